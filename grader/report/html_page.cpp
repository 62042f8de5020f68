// The page frame; see html_page.h.
#include "grader/report/html_page.h"

#include "grader/report/html_escape.h"

namespace grader {

std::string render_html_page(const HtmlPage& page) {
  std::string script_src = page.script.empty() ? "'none'" : page.script_hash;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
      "script-src " +
      script_src + "; base-uri 'none'; form-action 'none'\">\n<title>" + html_escape(page.title) +
      "</title>\n<style>" + page.css + "</style></head>\n<body>\n" + page.body;
  if (!page.script.empty()) out += "<script>" + page.script + "</script>\n";
  return out + "</body></html>\n";
}

}  // namespace grader
