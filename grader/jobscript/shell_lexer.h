// Parts of the jobscript parser (grader/jobscript/parser.h): a small lexer for the shell part,
// enough of bash to find the commands and their order, not an interpreter.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace grader::jobscript::detail {

enum class TokType { Word, Op, Redirect };

struct Token {
  TokType type;
  std::string text;  // the word with quotes removed, or the operator
  std::string raw;   // as written
};

// Splits one logical line (continuations joined) into words, operators (; && || | & ( ) and
// newlines) and redirections; a '#' outside a word ends it. Returns false when a quote or a
// command substitution is still open at the end (the caller joins the next line).
bool lex(std::string_view s, std::vector<Token>& out);

}  // namespace grader::jobscript::detail
