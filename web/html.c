/* The pages' frame: one inline style sheet, a header with the account
 * and the logout button, readable on a phone. Text goes through the
 * report's escaper. */
#include "report.h"
#include "web_internal.h"

void web_html(FILE *out, const char *s)
{
    rep_html_text(out, s != NULL ? s : "");
}

const char *web_role_name(enum web_role r)
{
    switch (r) {
    case WEB_ROLE_ADMIN:
        return "admin";
    case WEB_ROLE_ANALYST:
        return "analyst";
    case WEB_ROLE_SPECIALIST:
        return "specialist";
    default:
        return "";
    }
}

void web_csrf_field(FILE *out, const struct web_session *s)
{
    fputs("<input type=\"hidden\" name=\"csrf\" value=\"", out);
    web_html(out, s->csrf);
    fputs("\">", out);
}

void web_page_begin(FILE *out, const struct web_session *s, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          out);
    web_html(out, title);
    fputs(" · prevalence</title>\n<style>\n"
          "body{font:16px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}\n"
          "header{background:#12355b;color:#fff;padding:.6em 1em;display:flex;flex-wrap:wrap;"
          "gap:.5em 1.2em;align-items:center}\n"
          "header a{color:#fff}header form{margin:0 0 0 auto}\n"
          "main{padding:1em;max-width:72em}\n"
          "table{border-collapse:collapse;margin:.5em 0 1.2em;font-size:.95em}\n"
          "th,td{border-bottom:1px solid #ccc;padding:.3em .6em;text-align:left}\n"
          "td.n,th.n{text-align:right}\n"
          ".scroll{overflow-x:auto}\n"
          ".bad{color:#a00}.ok{color:#060}.warn{color:#8a5a00}\n"
          ".box{background:#fff;border:1px solid #ccc;padding:.8em 1em;margin:1em 0}\n"
          "button,input,select{font:inherit;padding:.3em .6em}\n"
          "label{display:block;margin:.5em 0}\n"
          "</style>\n</head>\n<body>\n<header><strong>Caseload survey</strong>", out);
    if (s != NULL && s->valid) {
        fputs("<a href=\"/\">Dashboard</a><a href=\"/upload\">Upload</a><span>", out);
        web_html(out, s->account);
        fputs(" (", out);
        web_html(out, web_role_name(s->role));
        if (s->role == WEB_ROLE_SPECIALIST) {
            fputs(", ", out);
            web_html(out, s->county);
        }
        fputs(")</span><form method=\"post\" action=\"/logout\">", out);
        web_csrf_field(out, s);
        fputs("<button type=\"submit\">Sign out</button></form>", out);
    }
    fputs("</header>\n<main>\n", out);
}

void web_page_end(FILE *out)
{
    fputs("</main>\n</body>\n</html>\n", out);
}
