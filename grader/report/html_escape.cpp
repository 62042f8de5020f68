// HTML and URL escaping for the class pages; see html_escape.h.
#include "grader/report/html_escape.h"

#include <cctype>
#include <cstdio>

#include "grader/util/text.h"

namespace grader {

std::string html_escape(std::string_view raw) {
  std::string s = sanitize_utf8(raw), out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string url_path_segment(std::string_view name) {
  std::string out;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '.' || c == '_' || c == '~' || c == '-') {
      out += c;
      continue;
    }
    char buf[4];
    std::snprintf(buf, sizeof buf, "%%%02X", u);
    out += buf;
  }
  // "." and ".." are path segments with a meaning of their own.
  if (out == "." || out == "..") out = out == "." ? "%2E" : "%2E%2E";
  return out;
}

}  // namespace grader
