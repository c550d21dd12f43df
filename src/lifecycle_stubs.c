/* Placeholders until the lifecycle lands: every entry point says so. */
#include "src/lifecycle.h"

#define NOT_YET(name) return lv_err(err, 0, "%s: not implemented yet", name)

int lv_create(const lv_context *ctx, const lv_create_opts *o, lv_error **err) { NOT_YET("create"); }
int lv_start(const lv_context *ctx, const char *id, lv_error **err) { NOT_YET("start"); }
int lv_run(const lv_context *ctx, const lv_create_opts *o, int *st, lv_error **err) { NOT_YET("run"); }
int lv_exec(const lv_context *ctx, const lv_exec_opts *o, int *st, lv_error **err) { NOT_YET("exec"); }
int lv_kill(const lv_context *ctx, const lv_kill_opts *o, lv_error **err) { NOT_YET("kill"); }
int lv_delete(const lv_context *ctx, const lv_delete_opts *o, lv_error **err) { NOT_YET("delete"); }
int lv_pause(const lv_context *ctx, const char *id, lv_error **err) { NOT_YET("pause"); }
int lv_resume(const lv_context *ctx, const char *id, lv_error **err) { NOT_YET("resume"); }
int lv_ps(const lv_context *ctx, const char *id, pid_t **p, size_t *n, lv_error **err) { NOT_YET("ps"); }
int lv_update(const lv_context *ctx, const char *id, const char *j, lv_error **err) { NOT_YET("update"); }
int lv_stats_json(const lv_context *ctx, const char *id, char **j, lv_error **err) { NOT_YET("events"); }
