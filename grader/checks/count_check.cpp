// Counting matching lines; see count_check.h. RE2 only: learner output is never fed to a
// backtracking engine.
#include "grader/checks/count_check.h"

#include <re2/re2.h>

#include <vector>

#include "grader/util/text.h"

namespace grader {

namespace {

constexpr std::size_t kShownLines = 5;

struct Matched {
  std::size_t line_no;
  std::string text;
};

std::vector<Matched> matching_lines(const RE2& re, std::string_view text) {
  std::vector<Matched> out;
  std::size_t no = 0;
  for (auto line : split_lines(text)) {
    ++no;
    if (RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), re))
      out.push_back({no, excerpt(line, 200)});
  }
  return out;
}

bool all_the_same(const std::vector<Matched>& lines) {
  for (const auto& l : lines)
    if (l.text != lines.front().text) return false;
  return !lines.empty();
}

std::string show(const std::vector<Matched>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size() && i < kShownLines; ++i)
    out += "\n    " + std::to_string(lines[i].line_no) + ": " + lines[i].text;
  if (lines.size() > kShownLines) out += "\n    (" + std::to_string(lines.size() - kShownLines) + " more)";
  return out;
}

}  // namespace

Verdict eval_count(const CountMatch& m, std::string_view text, const std::string& name) {
  RE2::Options opts;
  opts.set_log_errors(false);
  RE2 re(m.regex, opts);
  if (!re.ok()) return error("invalid regular expression '" + m.regex + "': " + re.error());
  std::vector<Matched> lines = matching_lines(re, text);
  const auto expected = static_cast<std::size_t>(m.value);
  const std::string found =
      name + ": " + counted(static_cast<std::int64_t>(lines.size()), "line") + " match /" + m.regex + "/";
  if (lines.size() == expected) return pass(found);

  std::string why;
  if (lines.size() > expected && expected >= 1 && all_the_same(lines)) {
    why = "; the same line " + std::to_string(lines.size()) + " times over: " + std::to_string(lines.size()) +
          " copies of the program each printed it, where one program should print it " +
          (expected == 1 ? "once" : std::to_string(expected) + " times");
  }
  std::string msg =
      found + ", expected " + std::to_string(expected) + why + (lines.empty() ? "" : ":" + show(lines));
  std::string safe = name + ": " + counted(static_cast<std::int64_t>(lines.size()), "line") +
                     " match, not the expected number" + why;
  return fail(msg, safe);
}

}  // namespace grader
