// The #SBATCH part of a jobscript; see directives.h.
#include "grader/jobscript/directives.h"

#include <cctype>

#include "grader/jobscript/options.h"
#include "grader/jobscript/values.h"
#include "grader/util/slurm_time.h"
#include "grader/util/text.h"

namespace grader::jobscript::detail {

namespace {

// The words of one #SBATCH line, parsed into `out` one option at a time.
class DirectiveLine {
 public:
  DirectiveLine(int line, const std::string& text, std::vector<std::string> words,
                std::vector<Directive>& out, std::vector<Issue>& issues)
      : line_(line), text_(text), words_(std::move(words)), out_(out), issues_(issues) {}

  void parse() {
    for (i_ = 0; i_ < words_.size(); ++i_) {
      const std::string& w = words_[i_];
      if (w.starts_with("--") && w.size() > 2) {
        long_option(w.substr(2));
      } else if (w.size() > 1 && w[0] == '-' && w != "--") {
        short_options(w);
      } else {
        issue(Issue::Kind::StrayArgument,
              "'" + w + "' is not an option; sbatch refuses the script (invalid directive)");
      }
    }
  }

 private:
  void issue(Issue::Kind kind, std::string message) {
    issues_.push_back({kind, Severity::Error, line_, text_, std::move(message)});
  }
  void add(const char* option, std::string written, std::string value) {
    out_.push_back({line_, text_, option, std::move(written), std::move(value)});
  }
  bool has_next() const { return i_ + 1 < words_.size(); }

  // --name, --name=value, --name value; `name` may abbreviate a long option.
  void long_option(const std::string& body) {
    std::string name = body, value;
    bool has_eq = false;
    if (auto eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_eq = true;
    }
    const OptionSpec* spec = find_long(name);
    if (!spec) {
      std::vector<const OptionSpec*> matches = options_starting_with(name);
      if (matches.size() == 1) spec = matches.front();
      if (matches.size() > 1) {
        std::string names;
        for (const auto* m : matches) names += std::string(names.empty() ? "" : ", ") + "--" + m->name;
        issue(Issue::Kind::AmbiguousOption, "option '--" + name + "' is ambiguous (" + names + ")");
        return;
      }
    }
    if (!spec) {
      issue(Issue::Kind::UnknownOption, "sbatch does not know the option '--" + name + "'");
      return;
    }
    if (spec->arg == Arg::None && has_eq) {
      issue(Issue::Kind::BadValue, "option '--" + std::string(spec->name) + "' takes no value");
      return;
    }
    if (spec->arg == Arg::Required && !has_eq) {
      if (!has_next()) {
        issue(Issue::Kind::MissingValue, "option '--" + std::string(spec->name) + "' needs a value");
        return;
      }
      value = words_[++i_];
    }
    add(spec->name, "--" + name, value);
  }

  // A cluster of short options: "-HQ", "-n2", "-t 10:00".
  void short_options(const std::string& w) {
    for (std::size_t k = 1; k < w.size(); ++k) {
      const OptionSpec* spec = find_short(w[k]);
      if (!spec) {
        issue(Issue::Kind::UnknownOption, std::string("sbatch does not know the option '-") + w[k] + "'");
        return;
      }
      std::string written = std::string("-") + w[k];
      if (spec->arg == Arg::None || spec->arg == Arg::Optional) {
        std::string value = spec->arg == Arg::Optional ? w.substr(k + 1) : "";
        add(spec->name, written, value);
        if (spec->arg == Arg::Optional) return;
        continue;
      }
      std::string value = w.substr(k + 1);
      if (value.empty()) {
        if (!has_next()) {
          issue(Issue::Kind::MissingValue, "option '" + written + "' needs a value");
          return;
        }
        value = words_[++i_];
      }
      add(spec->name, written, value);
      return;
    }
  }

  int line_;
  const std::string& text_;
  std::vector<std::string> words_;
  std::vector<Directive>& out_;
  std::vector<Issue>& issues_;
  std::size_t i_ = 0;
};

// `s` starts with `word` followed by whitespace or nothing.
bool starts_with_word(std::string_view s, std::string_view word) {
  return s.starts_with(word) &&
         (s.size() == word.size() || std::isspace(static_cast<unsigned char>(s[word.size()])));
}

// An #SBATCH line: a directive before the first command, ignored after it.
void read_directive(int line, const std::string& l, JobScript& js) {
  std::string_view rest = std::string_view(l).substr(7);
  if (js.first_command_line == 0) {
    parse_directive_line(line, l, rest, js.directives, js.issues);
    return;
  }
  std::vector<Issue> ignore_issues;
  parse_directive_line(line, l, rest, js.ignored, ignore_issues);
  js.issues.push_back({Issue::Kind::IgnoredDirective, Severity::Warning, line, l,
                       "comes after the first command (line " + std::to_string(js.first_command_line) +
                           "), so sbatch ignores it"});
}

// A comment: "# SBATCH" and "#sbatch" look like directives and are not.
void read_comment(int line, const std::string& l, std::string_view t, JobScript& js) {
  std::string_view after = trim(t.substr(1));
  if (to_lower(after.substr(0, 6)) == "sbatch" &&
      (after.size() == 6 || std::isspace(static_cast<unsigned char>(after[6])))) {
    js.issues.push_back({Issue::Kind::NotADirective, Severity::Warning, line, l,
                         "is a comment, not a directive: sbatch reads only lines that start with "
                         "exactly '#SBATCH'"});
  }
}

// A command: the first one ends the #SBATCH part; "SBATCH -A x" and "!/bin/bash" lost their '#'.
void read_command(std::size_t n, const std::string& l, std::string_view t, JobScript& js) {
  int line = static_cast<int>(n) + 1;
  if (js.first_command_line == 0) js.first_command_line = line;
  if (starts_with_word(t, "SBATCH") || (n > 0 && t.starts_with("!/"))) {
    js.issues.push_back({Issue::Kind::LostHash, Severity::Warning, line, l,
                         "lost its '#': bash runs it as a command, and it ends the #SBATCH part"});
  }
}

}  // namespace

void read_shebang(const std::vector<std::string>& lines, JobScript& js) {
  if (!lines.empty() && lines[0].starts_with("#!")) {
    js.shebang = lines[0];
    return;
  }
  std::string first = lines.empty() ? "" : lines[0];
  std::string_view t = trim(first);
  if (t.starts_with("!/")) {
    js.issues.push_back({Issue::Kind::LostHash, Severity::Error, 1, first,
                         "lost its '#': sbatch needs '#!' and an interpreter on line 1"});
  } else {
    js.issues.push_back({Issue::Kind::LostHash, Severity::Error, 1, first,
                         "the first line is not '#!' and an interpreter: sbatch refuses the script"});
  }
}

void read_directives(const std::vector<std::string>& lines, JobScript& js) {
  for (std::size_t n = 0; n < lines.size(); ++n) {
    int line = static_cast<int>(n) + 1;
    const std::string& l = lines[n];
    if (n == 0 && js.shebang) continue;
    if (l.starts_with("#SBATCH")) {
      read_directive(line, l, js);
      continue;
    }
    std::string_view t = trim(l);
    if (t.empty()) continue;
    if (t.front() == '#') {
      read_comment(line, l, t, js);
      continue;
    }
    read_command(n, l, t, js);
  }
}

// The words of one #SBATCH line after the magic word, split as sbatch's get_argument() does.
std::vector<std::string> directive_words(std::string_view rest) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (true) {
    while (i < rest.size() && std::isspace(static_cast<unsigned char>(rest[i]))) ++i;
    if (i >= rest.size()) break;
    std::string word;
    bool quoted = false, escape = false, comment = false;
    char q = 0;
    while (i < rest.size() && (quoted || !std::isspace(static_cast<unsigned char>(rest[i])))) {
      char c = rest[i];
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
        ++i;
        continue;
      } else if (quoted) {
        if (c == q) {
          quoted = false;
          ++i;
          continue;
        }
      } else if (c == '"' || c == '\'') {
        quoted = true;
        q = c;
        ++i;
        continue;
      } else if (c == '#') {
        comment = true;
        break;
      }
      word += c;
      ++i;
    }
    if (!word.empty()) words.push_back(std::move(word));
    if (comment) break;
  }
  return words;
}

void parse_directive_line(int line, const std::string& text, std::string_view rest,
                          std::vector<Directive>& out, std::vector<Issue>& issues) {
  DirectiveLine(line, text, directive_words(rest), out, issues).parse();
}

// Values sbatch itself refuses at submission.
void check_values(const std::vector<Directive>& directives, std::vector<Issue>& issues) {
  for (const Directive& d : directives) {
    auto bad = [&](std::string message) {
      issues.push_back({Issue::Kind::BadValue, Severity::Error, d.line, d.text, std::move(message)});
    };
    const std::string& o = d.option;
    if (o == "time" || o == "time-min") {
      if (!parse_slurm_time(d.value))
        bad("'" + d.value + "' is not a Slurm time (M, M:S, H:M:S, D-H, D-H:M, D-H:M:S)");
    } else if (o == "ntasks" || o == "cpus-per-task" || o == "ntasks-per-node") {
      auto n = to_int(d.value);
      if (!n || *n < 1) bad("'" + d.value + "' for " + d.written + " is not a positive whole number");
    } else if (o == "nodes") {
      std::string_view v = d.value;
      auto dash = v.find('-');
      bool ok = dash == std::string_view::npos ? to_int(v).has_value()
                                               : to_int(v.substr(0, dash)) && to_int(v.substr(dash + 1));
      if (!ok) bad("'" + d.value + "' for " + d.written + " is not a node count (N or MIN-MAX)");
    } else if (o == "mem" || o == "mem-per-cpu" || o == "mem-per-gpu") {
      if (!parse_memory(d.value))
        bad("'" + d.value + "' for " + d.written + " is not a memory size (e.g. 4G, 500M)");
    } else if (o == "gres") {
      if (!parse_gres(d.value))
        bad("'" + d.value + "' is not a gres specification (name[:type][:count], e.g. gpu:1)");
    } else if (o == "gpus" || o == "gpus-per-node" || o == "gpus-per-task" || o == "gpus-per-socket") {
      if (!parse_gpus(d.value))
        bad("'" + d.value + "' for " + d.written + " is not a GPU count ([type:]count, e.g. 1 or l40s:1)");
    }
  }
}

}  // namespace grader::jobscript::detail
