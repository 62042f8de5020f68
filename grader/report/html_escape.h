// Text bound for an HTML page: every learner-controlled string (names, output, messages) goes
// through html_escape before it reaches a page, so that what a learner printed renders as text.
#pragma once

#include <string>
#include <string_view>

namespace grader {

// Valid UTF-8 (sanitize_utf8), with & < > " ' as character references: safe in element text and
// in double- or single-quoted attribute values alike.
std::string html_escape(std::string_view raw);

// One path segment of a relative URL ("a b~1f.html" -> "a%20b~1f.html"): every byte but
// [A-Za-z0-9._~-] percent-encoded, so that a file name cannot become a query, a fragment, a
// parent directory or a scheme ("javascript:") in an href.
std::string url_path_segment(std::string_view name);

}  // namespace grader
