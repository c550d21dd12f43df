#include <stdio.h>

int main(void)
{
	puts("lieve");
	return 0;
}
