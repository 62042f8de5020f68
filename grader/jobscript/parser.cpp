// The jobscript parser; see parser.h. The #SBATCH part follows sbatch (Slurm 22.05,
// src/sbatch/opt.c): directives are lines that start with exactly "#SBATCH", read until the
// first line that is neither blank nor a comment; their words are split like get_argument()
// does (quotes, backslashes, an unquoted '#' ends the line) and parsed like getopt_long() with
// sbatch's option table (long-option abbreviations included). The shell part is a small lexer:
// enough of bash to find the commands and their order, not an interpreter.
#include "grader/jobscript/parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

namespace grader::jobscript {

namespace {

enum class Arg { None, Required, Optional };

struct OptionSpec {
  const char* name;
  Arg arg;
  char short_name;  // 0 when none
};

// sbatch's options (sbatch --help, Slurm 22.05).
constexpr OptionSpec kOptions[] = {
    {"account", Arg::Required, 'A'},
    {"acctg-freq", Arg::Required, 0},
    {"array", Arg::Required, 'a'},
    {"batch", Arg::Required, 0},
    {"bb", Arg::Required, 0},
    {"bbf", Arg::Required, 0},
    {"begin", Arg::Required, 'b'},
    {"chdir", Arg::Required, 'D'},
    {"cluster", Arg::Required, 0},
    {"cluster-constraint", Arg::Required, 0},
    {"clusters", Arg::Required, 'M'},
    {"comment", Arg::Required, 0},
    {"constraint", Arg::Required, 'C'},
    {"container", Arg::Required, 0},
    {"contiguous", Arg::None, 0},
    {"core-spec", Arg::Required, 'S'},
    {"cores-per-socket", Arg::Required, 0},
    {"cpu-freq", Arg::Required, 0},
    {"cpus-per-gpu", Arg::Required, 0},
    {"cpus-per-task", Arg::Required, 'c'},
    {"deadline", Arg::Required, 0},
    {"delay-boot", Arg::Required, 0},
    {"dependency", Arg::Required, 'd'},
    {"distribution", Arg::Required, 'm'},
    {"error", Arg::Required, 'e'},
    {"exclude", Arg::Required, 'x'},
    {"exclusive", Arg::Optional, 0},
    {"export", Arg::Required, 0},
    {"export-file", Arg::Required, 0},
    {"extra-node-info", Arg::Required, 'B'},
    {"get-user-env", Arg::Optional, 0},
    {"gid", Arg::Required, 0},
    {"gpu-bind", Arg::Required, 0},
    {"gpu-freq", Arg::Required, 0},
    {"gpus", Arg::Required, 'G'},
    {"gpus-per-node", Arg::Required, 0},
    {"gpus-per-socket", Arg::Required, 0},
    {"gpus-per-task", Arg::Required, 0},
    {"gres", Arg::Required, 0},
    {"gres-flags", Arg::Required, 0},
    {"help", Arg::None, 'h'},
    {"hint", Arg::Required, 0},
    {"hold", Arg::None, 'H'},
    {"ignore-pbs", Arg::None, 0},
    {"input", Arg::Required, 'i'},
    {"job-name", Arg::Required, 'J'},
    {"kill-on-invalid-dep", Arg::Required, 0},
    {"licenses", Arg::Required, 'L'},
    {"mail-type", Arg::Required, 0},
    {"mail-user", Arg::Required, 0},
    {"mcs-label", Arg::Required, 0},
    {"mem", Arg::Required, 0},
    {"mem-bind", Arg::Required, 0},
    {"mem-per-cpu", Arg::Required, 0},
    {"mem-per-gpu", Arg::Required, 0},
    {"mincpus", Arg::Required, 0},
    {"network", Arg::Required, 0},
    {"nice", Arg::Optional, 0},
    {"no-kill", Arg::Optional, 'k'},
    {"no-requeue", Arg::None, 0},
    {"nodefile", Arg::Required, 'F'},
    {"nodelist", Arg::Required, 'w'},
    {"nodes", Arg::Required, 'N'},
    {"ntasks", Arg::Required, 'n'},
    {"ntasks-per-core", Arg::Required, 0},
    {"ntasks-per-gpu", Arg::Required, 0},
    {"ntasks-per-node", Arg::Required, 0},
    {"ntasks-per-socket", Arg::Required, 0},
    {"open-mode", Arg::Required, 0},
    {"output", Arg::Required, 'o'},
    {"overcommit", Arg::None, 'O'},
    {"oversubscribe", Arg::None, 's'},
    {"parsable", Arg::None, 0},
    {"partition", Arg::Required, 'p'},
    {"power", Arg::Required, 0},
    {"prefer", Arg::Required, 0},
    {"priority", Arg::Required, 0},
    {"profile", Arg::Required, 0},
    {"propagate", Arg::Optional, 0},
    {"qos", Arg::Required, 'q'},
    {"quiet", Arg::None, 'Q'},
    {"reboot", Arg::None, 0},
    {"requeue", Arg::None, 0},
    {"reservation", Arg::Required, 0},
    {"signal", Arg::Required, 0},
    {"sockets-per-node", Arg::Required, 0},
    {"spread-job", Arg::None, 0},
    {"switches", Arg::Required, 0},
    {"test-only", Arg::None, 0},
    {"thread-spec", Arg::Required, 0},
    {"threads-per-core", Arg::Required, 0},
    {"time", Arg::Required, 't'},
    {"time-min", Arg::Required, 0},
    {"tmp", Arg::Required, 0},
    {"uid", Arg::Required, 0},
    {"usage", Arg::None, 'u'},
    {"use-min-nodes", Arg::None, 0},
    {"verbose", Arg::None, 'v'},
    {"version", Arg::None, 'V'},
    {"wait", Arg::None, 'W'},
    {"wait-all-nodes", Arg::Required, 0},
    {"wckey", Arg::Required, 0},
    {"wrap", Arg::Required, 0},
};

const OptionSpec* find_long(std::string_view name) {
  for (const auto& o : kOptions)
    if (name == o.name) return &o;
  return nullptr;
}

const OptionSpec* find_short(char c) {
  for (const auto& o : kOptions)
    if (o.short_name == c) return &o;
  return nullptr;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view trim_view(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::int64_t> to_int(std::string_view s) {
  // Nine digits at most: every count and time field of a real job fits, and no product of them
  // can overflow.
  if (!all_digits(s) || s.size() > 9) return std::nullopt;
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
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

// One #SBATCH line's words through getopt_long with sbatch's table.
void parse_directive_line(int line, const std::string& text, std::string_view rest,
                          std::vector<Directive>& out, std::vector<Issue>& issues) {
  auto issue = [&](Issue::Kind kind, std::string message) {
    issues.push_back({kind, Severity::Error, line, text, std::move(message)});
  };
  std::vector<std::string> words = directive_words(rest);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (starts_with(w, "--") && w.size() > 2) {
      std::string body = w.substr(2);
      std::string name = body, value;
      bool has_eq = false;
      if (auto eq = body.find('='); eq != std::string::npos) {
        name = body.substr(0, eq);
        value = body.substr(eq + 1);
        has_eq = true;
      }
      const OptionSpec* spec = find_long(name);
      if (!spec) {
        std::vector<const OptionSpec*> matches;
        for (const auto& o : kOptions)
          if (starts_with(o.name, name)) matches.push_back(&o);
        if (matches.size() == 1) spec = matches.front();
        if (matches.size() > 1) {
          std::string names;
          for (const auto* m : matches) names += std::string(names.empty() ? "" : ", ") + "--" + m->name;
          issue(Issue::Kind::AmbiguousOption, "option '--" + name + "' is ambiguous (" + names + ")");
          continue;
        }
      }
      if (!spec) {
        issue(Issue::Kind::UnknownOption, "sbatch does not know the option '--" + name + "'");
        continue;
      }
      if (spec->arg == Arg::None && has_eq) {
        issue(Issue::Kind::BadValue, "option '--" + std::string(spec->name) + "' takes no value");
        continue;
      }
      if (spec->arg == Arg::Required && !has_eq) {
        if (i + 1 >= words.size()) {
          issue(Issue::Kind::MissingValue, "option '--" + std::string(spec->name) + "' needs a value");
          continue;
        }
        value = words[++i];
      }
      out.push_back({line, text, spec->name, "--" + name, value});
    } else if (w.size() > 1 && w[0] == '-' && w != "--") {
      // A cluster of short options: "-HQ", "-n2", "-t 10:00".
      for (std::size_t k = 1; k < w.size(); ++k) {
        const OptionSpec* spec = find_short(w[k]);
        if (!spec) {
          issue(Issue::Kind::UnknownOption, std::string("sbatch does not know the option '-") + w[k] + "'");
          break;
        }
        std::string written = std::string("-") + w[k];
        if (spec->arg == Arg::None || spec->arg == Arg::Optional) {
          std::string value = spec->arg == Arg::Optional ? w.substr(k + 1) : "";
          out.push_back({line, text, spec->name, written, value});
          if (spec->arg == Arg::Optional) break;
          continue;
        }
        std::string value = w.substr(k + 1);
        if (value.empty()) {
          if (i + 1 >= words.size()) {
            issue(Issue::Kind::MissingValue, "option '" + written + "' needs a value");
            break;
          }
          value = words[++i];
        }
        out.push_back({line, text, spec->name, written, value});
        break;
      }
    } else {
      issue(Issue::Kind::StrayArgument,
            "'" + w + "' is not an option; sbatch refuses the script (invalid directive)");
    }
  }
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

// ---------------------------------------------------------------------------------------------
// The shell part

enum class TokType { Word, Op, Redirect };

struct Token {
  TokType type;
  std::string text;  // the word with quotes removed, or the operator
  std::string raw;   // as written
};

// Splits one logical line (continuations joined) into words, operators and redirections.
// Returns false when a quote is still open at the end (the caller joins the next line).
bool lex(std::string_view s, std::vector<Token>& out) {
  out.clear();
  std::size_t i = 0;
  std::string word, raw;
  bool in_word = false;
  auto flush = [&] {
    if (in_word) out.push_back({TokType::Word, word, raw});
    word.clear();
    raw.clear();
    in_word = false;
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      flush();
      ++i;
      continue;
    }
    if (c == '#' && !in_word) break;  // a comment
    if (c == '\\') {
      if (i + 1 < s.size()) {
        word += s[i + 1];
        raw += s.substr(i, 2);
      }
      in_word = true;
      i += 2;
      continue;
    }
    if (c == '\'') {
      auto end = s.find('\'', i + 1);
      if (end == std::string_view::npos) return false;
      word += s.substr(i + 1, end - i - 1);
      raw += s.substr(i, end - i + 1);
      in_word = true;
      i = end + 1;
      continue;
    }
    if (c == '"') {
      std::size_t j = i + 1;
      raw += '"';
      while (j < s.size() && s[j] != '"') {
        if (s[j] == '\\' && j + 1 < s.size() && std::strchr("\"\\$`", s[j + 1])) {
          word += s[j + 1];
          raw += s.substr(j, 2);
          j += 2;
          continue;
        }
        word += s[j];
        raw += s[j];
        ++j;
      }
      if (j >= s.size()) return false;
      raw += '"';
      in_word = true;
      i = j + 1;
      continue;
    }
    if ((c == '$' && i + 1 < s.size() && s[i + 1] == '(') || c == '`') {
      // Command substitution: kept whole inside the word.
      std::size_t j = i + (c == '`' ? 1 : 2);
      int depth = 1;
      while (j < s.size() && depth > 0) {
        if (c == '`' && s[j] == '`')
          depth = 0;
        else if (c == '$' && s[j] == '(')
          ++depth;
        else if (c == '$' && s[j] == ')')
          --depth;
        ++j;
      }
      if (depth > 0) return false;
      word += s.substr(i, j - i);
      raw += s.substr(i, j - i);
      in_word = true;
      i = j;
      continue;
    }
    if (c == '>' || c == '<' || (c == '&' && i + 1 < s.size() && s[i + 1] == '>')) {
      std::string op;
      if (in_word && all_digits(word)) {  // "2>", fd number
        op = word;
        word.clear();
        raw.clear();
        in_word = false;
      } else {
        flush();
      }
      std::size_t j = i;
      while (j < s.size() && (s[j] == '>' || s[j] == '<' || s[j] == '&' || s[j] == '|' || s[j] == '-') &&
             op.size() < 6) {
        if (s[j] == '-' && !(j > 0 && s[j - 1] == '<')) break;
        op += s[j++];
      }
      out.push_back({TokType::Redirect, op, op});
      i = j;
      continue;
    }
    if (c == ';' || c == '|' || c == '&' || c == '(' || c == ')' || c == '\n') {
      flush();
      std::string op(1, c);
      if (i + 1 < s.size() && (c == '|' || c == '&' || c == ';') && s[i + 1] == c) op += c;
      out.push_back({TokType::Op, op, op});
      i += op.size();
      continue;
    }
    word += c;
    raw += c;
    in_word = true;
    ++i;
  }
  flush();
  return true;
}

bool is_assignment(std::string_view w) {
  auto eq = w.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  if (!(std::isalpha(static_cast<unsigned char>(w[0])) || w[0] == '_')) return false;
  return std::all_of(w.begin(), w.begin() + static_cast<long>(eq),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string basename_of(std::string_view path) {
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool is_python(std::string_view program) {
  std::string b = basename_of(program);
  if (ends_with(b, ".py")) return true;
  if (!starts_with(b, "python")) return false;
  std::string_view v = std::string_view(b).substr(6);
  return std::all_of(v.begin(), v.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

const std::vector<std::string> kSrunFlags = {"--exclusive",
                                             "-u",
                                             "--unbuffered",
                                             "-l",
                                             "--label",
                                             "--pty",
                                             "-K",
                                             "--kill-on-bad-exit",
                                             "--overlap",
                                             "-v",
                                             "--verbose",
                                             "-Q",
                                             "--quiet",
                                             "-X",
                                             "--disable-status",
                                             "-O",
                                             "--overcommit",
                                             "-s",
                                             "--oversubscribe",
                                             "-Z",
                                             "--no-allocate",
                                             "-E",
                                             "--preserve-env",
                                             "--multi-prog",
                                             "-H",
                                             "--hold",
                                             "--exact",
                                             "--whole",
                                             "--test-only",
                                             "--spread-job",
                                             "--contiguous",
                                             "-h",
                                             "--help"};
const std::vector<std::string> kMpirunFlags = {"--oversubscribe",
                                               "-oversubscribe",
                                               "--allow-run-as-root",
                                               "-allow-run-as-root",
                                               "--report-bindings",
                                               "-report-bindings",
                                               "-v",
                                               "--verbose",
                                               "-q",
                                               "--quiet",
                                               "--tag-output",
                                               "-tag-output",
                                               "--nooversubscribe",
                                               "--display-map",
                                               "-display-map",
                                               "--bind-to-core",
                                               "-bind-to-core",
                                               "--noprefix",
                                               "-noprefix"};

const std::vector<std::string> kModuleSubcommands = {
    "load",   "add",     "try-load", "try-add",   "unload", "rm",        "del",      "remove",
    "purge",  "use",     "unuse",    "swap",      "switch", "list",      "avail",    "av",
    "spider", "show",    "display",  "help",      "whatis", "save",      "restore",  "savelist",
    "reset",  "keyword", "describe", "refresh",   "update", "is-loaded", "is-avail", "overview",
    "ov",     "sl",      "mt",       "--version", "-v",     "--help",    "-h"};

bool in(const std::vector<std::string>& set, std::string_view w) {
  return std::find(set.begin(), set.end(), w) != set.end();
}

void classify_module(Command& c) {
  std::vector<std::string> args;
  bool is_ml = c.program == "ml";
  std::size_t k = 0;
  if (!is_ml) {
    while (k < c.args.size() && starts_with(c.args[k], "-")) ++k;  // module --quiet load ...
  }
  std::vector<std::string> rest(c.args.begin() + static_cast<long>(k), c.args.end());
  if (rest.empty()) {
    c.module_action = is_ml ? "list" : "";
    return;
  }
  std::string sub = rest.front();
  if (is_ml && !in(kModuleSubcommands, sub)) {
    c.module_action = "load";
    for (const auto& a : rest) {
      if (starts_with(a, "-") && a.size() > 1)
        c.unloads.push_back(a.substr(1));
      else
        c.loads.push_back(a);
    }
    return;
  }
  std::vector<std::string> names;
  for (std::size_t j = 1; j < rest.size(); ++j)
    if (!starts_with(rest[j], "-")) names.push_back(rest[j]);
  if (sub == "add" || sub == "try-add" || sub == "try-load") sub = "load";
  if (sub == "rm" || sub == "del" || sub == "remove") sub = "unload";
  if (sub == "switch") sub = "swap";
  c.module_action = sub;
  if (sub == "load") c.loads = names;
  if (sub == "unload") c.unloads = names;
  if (sub == "swap") {
    if (names.size() == 1) c.loads = names;
    if (names.size() >= 2) {
      c.unloads = {names[0]};
      c.loads = {names[1]};
    }
  }
}

// Turns the words of one simple command into a Command; false when nothing is left to run.
bool classify(std::vector<std::string> words, Command& c) {
  static const std::vector<std::string> kPrefixes = {"then",  "do",    "else",  "elif",    "if",
                                                     "while", "until", "!",     "{",       "}",
                                                     "time",  "exec",  "nohup", "command", "builtin"};
  static const std::vector<std::string> kEnds = {"done", "fi", "esac", "}", ";;"};
  std::size_t i = 0;
  while (i < words.size()) {
    const std::string& w = words[i];
    if (in(kPrefixes, w)) {
      ++i;
    } else if (w == "env") {
      ++i;
      while (i < words.size() && (starts_with(words[i], "-") || is_assignment(words[i]))) ++i;
    } else if (is_assignment(w) && i + 1 < words.size()) {
      ++i;
    } else {
      break;
    }
  }
  if (i >= words.size() || in(kEnds, words[i])) return false;
  if (words.size() - i == 1 && is_assignment(words[i])) {
    c.kind = CommandKind::Assignment;
    auto eq = words[i].find('=');
    c.name = words[i].substr(0, eq);
    c.value = words[i].substr(eq + 1);
    c.program = c.name;
    return true;
  }
  std::string launcher = basename_of(words[i]);
  if (launcher == "srun" || launcher == "mpirun" || launcher == "mpiexec" || launcher == "mpiexec.hydra" ||
      launcher == "orterun") {
    bool srun = launcher == "srun";
    c.launcher = launcher;
    ++i;
    while (i < words.size() && starts_with(words[i], "-")) {
      const std::string& o = words[i];
      c.launcher_args.push_back(o);
      ++i;
      if (o.find('=') != std::string::npos) continue;
      if (in(srun ? kSrunFlags : kMpirunFlags, o)) continue;
      if (srun && !starts_with(o, "--") && o.size() > 2) continue;  // -n4
      if (i < words.size()) c.launcher_args.push_back(words[i++]);
    }
    if (i >= words.size()) {
      c.program = launcher;
      c.launcher.clear();
      c.launcher_args.clear();
      c.kind = CommandKind::Other;
      return true;
    }
  }
  c.program = words[i];
  c.args.assign(words.begin() + static_cast<long>(i) + 1, words.end());
  std::string base = basename_of(c.program);
  if (base == "export" && c.args.size() == 1 && is_assignment(c.args[0])) {
    c.kind = CommandKind::Assignment;
    auto eq = c.args[0].find('=');
    c.name = c.args[0].substr(0, eq);
    c.value = c.args[0].substr(eq + 1);
  } else if (is_python(c.program)) {
    c.kind = CommandKind::Python;
  } else if (c.program == "module" || c.program == "ml") {
    c.kind = CommandKind::Module;
    classify_module(c);
  } else if (c.program == "cd") {
    c.kind = CommandKind::Cd;
  } else if ((c.program == "source" || c.program == ".") && !c.args.empty()) {
    const std::string& target = c.args[0];
    if (target == "activate" && c.args.size() >= 2) {
      c.kind = CommandKind::Activate;
      c.activates = c.args[1];
    } else if (ends_with(target, "/bin/activate")) {
      c.kind = CommandKind::Activate;
      c.activates = target.substr(0, target.size() - std::strlen("/bin/activate"));
    } else if (target == "bin/activate") {
      c.kind = CommandKind::Activate;
      c.activates = ".";
    }
  } else if ((base == "conda" || base == "mamba" || base == "micromamba") && c.args.size() >= 2 &&
             c.args[0] == "activate") {
    c.kind = CommandKind::Activate;
    c.activates = c.args.back();
  }
  return true;
}

// Splits the tokens of one logical line into simple commands.
void add_commands(int line, const std::vector<Token>& tokens, std::vector<Command>& out, std::string& heredoc,
                  bool& heredoc_dash) {
  std::vector<std::string> words;
  std::string text;
  auto finish = [&] {
    Command c;
    c.line = line;
    c.text = text;
    if (!words.empty() && classify(words, c)) out.push_back(std::move(c));
    words.clear();
    text.clear();
  };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.type == TokType::Op) {
      finish();
      continue;
    }
    if (!text.empty()) text += ' ';
    text += t.raw;
    if (t.type == TokType::Redirect) {
      // The target is the next word ("> out.txt", "2>&1" lexes as "2>&" then "1").
      if (i + 1 < tokens.size() && tokens[i + 1].type == TokType::Word) {
        if (starts_with(t.text, "<<") && t.text != "<<<") {
          heredoc = tokens[i + 1].text;
          heredoc_dash = t.text == "<<-";
        }
        text += tokens[i + 1].raw;
        ++i;
      }
      continue;
    }
    words.push_back(t.text);
  }
  finish();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Values

std::optional<std::uint64_t> parse_memory(std::string_view text) {
  std::string_view s = trim_view(text);
  std::size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  auto v = to_int(s.substr(0, n));
  if (!v) return std::nullopt;
  std::string unit = lower(s.substr(n));
  if (unit.size() == 2 && unit[1] == 'b') unit.pop_back();
  std::uint64_t mib = 1024ull * 1024;
  std::uint64_t factor = 0;
  if (unit.empty() || unit == "m")
    factor = mib;
  else if (unit == "k")
    factor = 1024;
  else if (unit == "g")
    factor = mib * 1024;
  else if (unit == "t")
    factor = mib * 1024 * 1024;
  else
    return std::nullopt;
  if (static_cast<std::uint64_t>(*v) > UINT64_MAX / factor) return std::nullopt;
  return static_cast<std::uint64_t>(*v) * factor;
}

std::optional<std::vector<GresSpec>> parse_gres(std::string_view text) {
  std::vector<GresSpec> out;
  std::string_view s = trim_view(text);
  if (s.empty()) return std::nullopt;
  std::size_t begin = 0;
  while (begin <= s.size()) {
    auto comma = s.find(',', begin);
    std::string_view item =
        s.substr(begin, comma == std::string_view::npos ? std::string_view::npos : comma - begin);
    std::vector<std::string_view> parts;
    std::size_t b = 0;
    while (true) {
      auto colon = item.find(':', b);
      parts.push_back(item.substr(b, colon == std::string_view::npos ? std::string_view::npos : colon - b));
      if (colon == std::string_view::npos) break;
      b = colon + 1;
    }
    GresSpec g;
    if (parts.empty() || parts.size() > 3 || parts[0].empty()) return std::nullopt;
    for (char c : parts[0])
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '/')) return std::nullopt;
    g.name = std::string(parts[0]);
    if (parts.size() == 2) {
      if (auto n = to_int(parts[1]))
        g.count = *n;
      else
        g.type = std::string(parts[1]);
    } else if (parts.size() == 3) {
      g.type = std::string(parts[1]);
      auto n = to_int(parts[2]);
      if (!n) return std::nullopt;
      g.count = *n;
    }
    if (g.count < 1 || (parts.size() >= 2 && parts.back().empty())) return std::nullopt;
    out.push_back(std::move(g));
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return out;
}

std::optional<GresSpec> parse_gpus(std::string_view text) {
  std::string_view s = trim_view(text);
  GresSpec g;
  g.name = "gpu";
  auto colon = s.rfind(':');
  std::string_view count = colon == std::string_view::npos ? s : s.substr(colon + 1);
  if (colon != std::string_view::npos) {
    g.type = std::string(s.substr(0, colon));
    if (g.type.empty() || g.type.find(':') != std::string::npos) return std::nullopt;
  }
  auto n = to_int(count);
  if (!n || *n < 1) return std::nullopt;
  g.count = *n;
  return g;
}

std::vector<std::string> constraint_features(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && !all_digits(cur)) out.push_back(cur);
    cur.clear();
  };
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.') {
      cur += c;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

std::string long_option(char short_name) {
  const OptionSpec* o = find_short(short_name);
  return o ? o->name : "";
}

bool known_option(std::string_view name) {
  return find_long(name) != nullptr;
}

std::vector<std::string> option_names() {
  std::vector<std::string> out;
  for (const auto& o : kOptions) out.emplace_back(o.name);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The script

const Directive* JobScript::find(std::string_view option) const {
  for (auto it = directives.rbegin(); it != directives.rend(); ++it) {
    if (it->option == option) return &*it;
    // --cluster is sbatch's alias of --clusters.
    if (option == "clusters" && it->option == "cluster") return &*it;
  }
  return nullptr;
}

// Counts multiply (nodes x tasks per node x cores per task); absurd ones saturate.
static std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
  if (a > 0 && b > 0 && a > INT64_MAX / b) return INT64_MAX;
  return a * b;
}

std::int64_t JobScript::tasks() const {
  auto number = [&](std::string_view option) -> std::optional<std::int64_t> {
    const Directive* d = find(option);
    if (!d) return std::nullopt;
    std::string_view v = d->value;
    if (auto dash = v.find('-'); dash != std::string_view::npos) v = v.substr(0, dash);
    return to_int(v);
  };
  if (auto n = number("ntasks")) return *n;
  if (auto per = number("ntasks-per-node")) return saturating_mul(*per, number("nodes").value_or(1));
  return 1;
}

std::int64_t JobScript::cores() const {
  auto number = [&](std::string_view option) -> std::optional<std::int64_t> {
    const Directive* d = find(option);
    if (!d) return std::nullopt;
    std::string_view v = d->value;
    if (auto dash = v.find('-'); dash != std::string_view::npos) v = v.substr(0, dash);
    return to_int(v);
  };
  return saturating_mul(tasks(), number("cpus-per-task").value_or(1));
}

bool JobScript::requests_gpu() const {
  for (const Directive& d : directives) {
    if (d.option == "gpus" || d.option == "gpus-per-node" || d.option == "gpus-per-task" ||
        d.option == "gpus-per-socket")
      return true;
    if (d.option == "gres") {
      if (auto g = parse_gres(d.value)) {
        for (const auto& spec : *g)
          if (spec.name == "gpu") return true;
      }
    }
  }
  return false;
}

JobScript parse(std::string_view text) {
  JobScript js;
  std::vector<std::string> lines;
  {
    std::size_t begin = 0;
    while (begin < text.size()) {
      auto nl = text.find('\n', begin);
      std::string_view l =
          text.substr(begin, nl == std::string_view::npos ? std::string_view::npos : nl - begin);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      lines.emplace_back(l);
      if (nl == std::string_view::npos) break;
      begin = nl + 1;
    }
  }
  js.lines = static_cast<int>(lines.size());

  if (!lines.empty() && starts_with(lines[0], "#!")) {
    js.shebang = lines[0];
  } else {
    std::string first = lines.empty() ? "" : lines[0];
    std::string_view t = trim_view(first);
    if (starts_with(t, "!/")) {
      js.issues.push_back({Issue::Kind::LostHash, Severity::Error, 1, first,
                           "lost its '#': sbatch needs '#!' and an interpreter on line 1"});
    } else {
      js.issues.push_back({Issue::Kind::LostHash, Severity::Error, 1, first,
                           "the first line is not '#!' and an interpreter: sbatch refuses the script"});
    }
  }

  // The #SBATCH part, and where the commands start.
  for (std::size_t n = 0; n < lines.size(); ++n) {
    int line = static_cast<int>(n) + 1;
    const std::string& l = lines[n];
    if (n == 0 && js.shebang) continue;
    if (starts_with(l, "#SBATCH")) {
      std::string_view rest = std::string_view(l).substr(7);
      if (js.first_command_line == 0) {
        parse_directive_line(line, l, rest, js.directives, js.issues);
      } else {
        std::vector<Issue> ignore_issues;
        parse_directive_line(line, l, rest, js.ignored, ignore_issues);
        js.issues.push_back({Issue::Kind::IgnoredDirective, Severity::Warning, line, l,
                             "comes after the first command (line " + std::to_string(js.first_command_line) +
                                 "), so sbatch ignores it"});
      }
      continue;
    }
    std::string_view t = trim_view(l);
    if (t.empty()) continue;
    if (t.front() == '#') {
      std::string_view after = trim_view(t.substr(1));
      if (lower(after.substr(0, 6)) == "sbatch" &&
          (after.size() == 6 || std::isspace(static_cast<unsigned char>(after[6])))) {
        js.issues.push_back({Issue::Kind::NotADirective, Severity::Warning, line, l,
                             "is a comment, not a directive: sbatch reads only lines that start with "
                             "exactly '#SBATCH'"});
      }
      continue;
    }
    if (js.first_command_line == 0) js.first_command_line = line;
    if ((starts_with(t, "SBATCH") && (t.size() == 6 || std::isspace(static_cast<unsigned char>(t[6])))) ||
        (n > 0 && starts_with(t, "!/"))) {
      js.issues.push_back({Issue::Kind::LostHash, Severity::Warning, line, l,
                           "lost its '#': bash runs it as a command, and it ends the #SBATCH part"});
    }
  }
  check_values(js.directives, js.issues);

  // The shell part: every line bash would read, continuations and open quotes joined.
  std::string heredoc;
  bool heredoc_dash = false;
  std::size_t n = js.shebang ? 1 : 0;
  while (n < lines.size()) {
    int line = static_cast<int>(n) + 1;
    if (!heredoc.empty()) {
      std::string_view t = lines[n];
      if (heredoc_dash) {
        while (!t.empty() && t.front() == '\t') t.remove_prefix(1);
      }
      if (t == heredoc) heredoc.clear();
      ++n;
      continue;
    }
    std::string logical = lines[n++];
    std::vector<Token> tokens;
    while (true) {
      // A trailing backslash joins the next line (outside single quotes; good enough here).
      std::size_t bs = 0;
      while (bs < logical.size() && logical[logical.size() - 1 - bs] == '\\') ++bs;
      if (bs % 2 == 1 && n < lines.size()) {
        logical.pop_back();
        logical += lines[n++];
        continue;
      }
      if (!lex(logical, tokens) && n < lines.size()) {
        logical += "\n" + lines[n++];
        continue;
      }
      break;
    }
    add_commands(line, tokens, js.commands, heredoc, heredoc_dash);
  }

  std::stable_sort(js.issues.begin(), js.issues.end(),
                   [](const Issue& a, const Issue& b) { return a.line < b.line; });
  return js;
}

}  // namespace grader::jobscript
