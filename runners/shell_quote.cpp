// Single-quoting for POSIX shells; see shell_quote.h.
#include "runners/shell_quote.h"

namespace grader {

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace grader
