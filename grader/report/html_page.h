// The frame of every page the grader writes for people (the class overview, the learners'
// feedback pages): one self-contained document that loads nothing. Its Content-Security-Policy
// forbids every fetch and every script but the page's own, so that even a learner's markup that
// escaped escaping could neither run nor phone home.
#pragma once

#include <string>

namespace grader {

struct HtmlPage {
  std::string title;  // raw; escaped here
  std::string css;
  std::string body;    // already HTML
  std::string script;  // the page's one inline script; empty for none
  // The CSP source that allows `script`: "'sha256-BASE64'" of its exact text. A browser runs no
  // script whose hash is not listed, so a stale hash shows as a page whose script does not run
  // (tests/integration/class_overview_test.cpp recomputes it).
  std::string script_hash;
};

std::string render_html_page(const HtmlPage& page);

}  // namespace grader
