/* Bringing up the loopback of a new network namespace through rtnetlink. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <time.h>

#include "src/namespaces/ns.h"

int ns_loopback_up(lv_error **err)
{
	char buf[8192]; /* MNL_SOCKET_BUFFER_SIZE is not a constant */
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return lv_err(err, errno, "bring up \"lo\": open netlink socket");
	int ret = -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		lv_err(err, errno, "bring up \"lo\": bind netlink socket");
		goto out;
	}
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	unsigned seq = (unsigned)time(NULL);
	nlh->nlmsg_seq = seq;
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "lo");
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		lv_err(err, errno, "bring up \"lo\": send netlink request");
		goto out;
	}
	ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		lv_err(err, errno, "bring up \"lo\": read netlink answer");
		goto out;
	}
	if (mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), NULL, NULL) < 0) {
		lv_err(err, errno, "bring up \"lo\"");
		goto out;
	}
	ret = 0;
out:
	mnl_socket_close(nl);
	return ret;
}
