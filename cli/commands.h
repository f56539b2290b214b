#ifndef PREV_COMMANDS_H
#define PREV_COMMANDS_H

/* Each command: its entry point and its --help text. */
#define PREV_COMMAND(name) \
    int cmd_##name(int argc, char **argv); \
    extern const char cmd_##name##_help[];

PREV_COMMAND(db)
PREV_COMMAND(init)
PREV_COMMAND(load)
PREV_COMMAND(check)
PREV_COMMAND(template)
PREV_COMMAND(batches)
PREV_COMMAND(status)
PREV_COMMAND(synth)
PREV_COMMAND(ci)
PREV_COMMAND(estimate)
PREV_COMMAND(report)
PREV_COMMAND(export)
PREV_COMMAND(trend)
PREV_COMMAND(publish)
PREV_COMMAND(serve)
PREV_COMMAND(user)
PREV_COMMAND(audit)
PREV_COMMAND(survey)

#endif
