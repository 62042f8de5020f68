// The shell lexer; see shell_lexer.h.
#include "grader/jobscript/shell_lexer.h"

#include <cstring>

#include "grader/jobscript/values.h"

namespace grader::jobscript::detail {

namespace {

class Lexer {
 public:
  Lexer(std::string_view s, std::vector<Token>& out) : s_(s), out_(out) {}

  bool run() {
    out_.clear();
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\r') {
        flush();
        ++i_;
      } else if (c == '#' && !in_word_) {
        break;  // a comment
      } else if (c == '\\') {
        escaped();
      } else if (c == '\'') {
        if (!single_quoted()) return false;
      } else if (c == '"') {
        if (!double_quoted()) return false;
      } else if ((c == '$' && next_is('(')) || c == '`') {
        if (!substitution(c)) return false;
      } else if (c == '>' || c == '<' || (c == '&' && next_is('>'))) {
        redirect();
      } else if (c == ';' || c == '|' || c == '&' || c == '(' || c == ')' || c == '\n') {
        op(c);
      } else {
        word_ += c;
        raw_ += c;
        in_word_ = true;
        ++i_;
      }
    }
    flush();
    return true;
  }

 private:
  bool next_is(char c) const { return i_ + 1 < s_.size() && s_[i_ + 1] == c; }

  void flush() {
    if (in_word_) out_.push_back({TokType::Word, word_, raw_});
    word_.clear();
    raw_.clear();
    in_word_ = false;
  }

  // \x: the character itself.
  void escaped() {
    if (i_ + 1 < s_.size()) {
      word_ += s_[i_ + 1];
      raw_ += s_.substr(i_, 2);
    }
    in_word_ = true;
    i_ += 2;
  }

  // '...': everything up to the next quote, as it is.
  bool single_quoted() {
    auto end = s_.find('\'', i_ + 1);
    if (end == std::string_view::npos) return false;
    word_ += s_.substr(i_ + 1, end - i_ - 1);
    raw_ += s_.substr(i_, end - i_ + 1);
    in_word_ = true;
    i_ = end + 1;
    return true;
  }

  // "...": backslash escapes only " \ $ and `.
  bool double_quoted() {
    std::size_t j = i_ + 1;
    raw_ += '"';
    while (j < s_.size() && s_[j] != '"') {
      if (s_[j] == '\\' && j + 1 < s_.size() && std::strchr("\"\\$`", s_[j + 1])) {
        word_ += s_[j + 1];
        raw_ += s_.substr(j, 2);
        j += 2;
        continue;
      }
      word_ += s_[j];
      raw_ += s_[j];
      ++j;
    }
    if (j >= s_.size()) return false;
    raw_ += '"';
    in_word_ = true;
    i_ = j + 1;
    return true;
  }

  // $(...) or `...`: kept whole inside the word.
  bool substitution(char c) {
    std::size_t j = i_ + (c == '`' ? 1 : 2);
    int depth = 1;
    while (j < s_.size() && depth > 0) {
      if (c == '`' && s_[j] == '`')
        depth = 0;
      else if (c == '$' && s_[j] == '(')
        ++depth;
      else if (c == '$' && s_[j] == ')')
        --depth;
      ++j;
    }
    if (depth > 0) return false;
    word_ += s_.substr(i_, j - i_);
    raw_ += s_.substr(i_, j - i_);
    in_word_ = true;
    i_ = j;
    return true;
  }

  // > >> < << <<- <<< &> >& 2> 2>&: an fd number before it belongs to the operator.
  void redirect() {
    std::string op;
    if (in_word_ && all_digits(word_)) {  // "2>", fd number
      op = word_;
      word_.clear();
      raw_.clear();
      in_word_ = false;
    } else {
      flush();
    }
    std::size_t j = i_;
    while (j < s_.size() && (s_[j] == '>' || s_[j] == '<' || s_[j] == '&' || s_[j] == '|' || s_[j] == '-') &&
           op.size() < 6) {
      if (s_[j] == '-' && !(j > 0 && s_[j - 1] == '<')) break;
      op += s_[j++];
    }
    out_.push_back({TokType::Redirect, op, op});
    i_ = j;
  }

  // ; ;; | || & && ( ) and newlines.
  void op(char c) {
    flush();
    std::string op(1, c);
    if (i_ + 1 < s_.size() && (c == '|' || c == '&' || c == ';') && s_[i_ + 1] == c) op += c;
    out_.push_back({TokType::Op, op, op});
    i_ += op.size();
  }

  std::string_view s_;
  std::vector<Token>& out_;
  std::size_t i_ = 0;
  std::string word_, raw_;
  bool in_word_ = false;
};

}  // namespace

bool lex(std::string_view s, std::vector<Token>& out) {
  return Lexer(s, out).run();
}

}  // namespace grader::jobscript::detail
