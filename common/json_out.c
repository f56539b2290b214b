#include "json_out.h"

#include <stdlib.h>
#include <string.h>

#include "parse.h"

static void indent(FILE *out, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("  ", out);
}

static void write_value(FILE *out, const json_t *v, int depth)
{
    char buf[40], *s = NULL;
    const char *key;
    json_t *item;
    size_t i, k = 0;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        fputc('{', out);
        json_object_foreach((json_t *)v, key, item) {
            json_t *name = json_string(key);
            if (depth == 0) {
                fputs(k == 0 ? "\n" : ",\n", out);
                indent(out, 1);
            } else if (k > 0) {
                fputs(", ", out);
            }
            k++;
            write_value(out, name, depth + 1);
            json_decref(name);
            fputs(": ", out);
            write_value(out, item, depth + 1);
        }
        if (depth == 0 && k > 0)
            fputc('\n', out);
        fputc('}', out);
        break;
    case JSON_ARRAY:
        fputc('[', out);
        json_array_foreach(v, i, item) {
            fputs(i == 0 ? "\n" : ",\n", out);
            indent(out, depth + 1);
            write_value(out, item, depth + 1);
        }
        if (json_array_size(v) > 0) {
            fputc('\n', out);
            indent(out, depth);
        }
        fputc(']', out);
        break;
    case JSON_STRING:
        /* jansson escapes a bare string with JSON_ENCODE_ANY. */
        s = json_dumps(v, JSON_ENCODE_ANY);
        fputs(s != NULL ? s : "null", out);
        free(s);
        break;
    case JSON_INTEGER:
        fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        /* A real stays a real when read back: 0 is written 0.0. */
        prev_fmt_double(buf, sizeof buf, json_real_value(v));
        fprintf(out, "%s%s", buf, strpbrk(buf, ".e") == NULL ? ".0" : "");
        break;
    case JSON_TRUE:
        fputs("true", out);
        break;
    case JSON_FALSE:
        fputs("false", out);
        break;
    case JSON_NULL:
        fputs("null", out);
        break;
    }
}

void prev_json_write(FILE *out, const json_t *doc)
{
    write_value(out, doc, 0);
}
