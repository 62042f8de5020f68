// The shell part of a jobscript; see commands.h.
#include "grader/jobscript/commands.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "grader/jobscript/shell_lexer.h"

namespace grader::jobscript::detail {

namespace {

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
  if (b.ends_with(".py")) return true;
  if (!b.starts_with("python")) return false;
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
  bool is_ml = c.program == "ml";
  std::size_t k = 0;
  if (!is_ml) {
    while (k < c.args.size() && c.args[k].starts_with("-")) ++k;  // module --quiet load ...
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
      if (a.starts_with("-") && a.size() > 1)
        c.unloads.push_back(a.substr(1));
      else
        c.loads.push_back(a);
    }
    return;
  }
  std::vector<std::string> names;
  for (std::size_t j = 1; j < rest.size(); ++j)
    if (!rest[j].starts_with("-")) names.push_back(rest[j]);
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

// NAME=VALUE as an Assignment command.
void assign(const std::string& word, Command& c) {
  c.kind = CommandKind::Assignment;
  auto eq = word.find('=');
  c.name = word.substr(0, eq);
  c.value = word.substr(eq + 1);
}

// Past the prefix words (then, do, time, env -i X=1, VAR=x, ...) from `i`.
std::size_t skip_prefixes(const std::vector<std::string>& words, std::size_t i) {
  static const std::vector<std::string> kPrefixes = {"then",  "do",    "else",  "elif",    "if",
                                                     "while", "until", "!",     "{",       "}",
                                                     "time",  "exec",  "nohup", "command", "builtin"};
  while (i < words.size()) {
    const std::string& w = words[i];
    if (in(kPrefixes, w)) {
      ++i;
    } else if (w == "env") {
      ++i;
      while (i < words.size() && (words[i].starts_with("-") || is_assignment(words[i]))) ++i;
    } else if (is_assignment(w) && i + 1 < words.size()) {
      ++i;
    } else {
      break;
    }
  }
  return i;
}

bool is_launcher(const std::string& name) {
  return name == "srun" || name == "mpirun" || name == "mpiexec" || name == "mpiexec.hydra" ||
         name == "orterun";
}

// A launcher at words[i] and its options into `c`; returns where the program starts. A
// launcher with nothing after its options is the program itself.
std::size_t take_launcher(const std::vector<std::string>& words, std::size_t i, Command& c) {
  std::string launcher = basename_of(words[i]);
  bool srun = launcher == "srun";
  c.launcher = launcher;
  ++i;
  while (i < words.size() && words[i].starts_with("-")) {
    const std::string& o = words[i];
    c.launcher_args.push_back(o);
    ++i;
    if (o.find('=') != std::string::npos) continue;
    if (in(srun ? kSrunFlags : kMpirunFlags, o)) continue;
    if (srun && !o.starts_with("--") && o.size() > 2) continue;  // -n4
    if (i < words.size()) c.launcher_args.push_back(words[i++]);
  }
  if (i >= words.size()) {
    c.program = launcher;
    c.launcher.clear();
    c.launcher_args.clear();
    c.kind = CommandKind::Other;
  }
  return i;
}

// source X/bin/activate, . bin/activate, source activate ENV.
void classify_source(Command& c) {
  if (c.args.empty()) return;
  const std::string& target = c.args[0];
  if (target == "activate" && c.args.size() >= 2) {
    c.kind = CommandKind::Activate;
    c.activates = c.args[1];
  } else if (target.ends_with("/bin/activate")) {
    c.kind = CommandKind::Activate;
    c.activates = target.substr(0, target.size() - std::strlen("/bin/activate"));
  } else if (target == "bin/activate") {
    c.kind = CommandKind::Activate;
    c.activates = ".";
  }
}

// The kind of command c.program with c.args is.
void classify_program(Command& c) {
  std::string base = basename_of(c.program);
  if (base == "export" && c.args.size() == 1 && is_assignment(c.args[0])) {
    assign(c.args[0], c);
  } else if (is_python(c.program)) {
    c.kind = CommandKind::Python;
  } else if (c.program == "module" || c.program == "ml") {
    c.kind = CommandKind::Module;
    classify_module(c);
  } else if (c.program == "cd") {
    c.kind = CommandKind::Cd;
  } else if (c.program == "source" || c.program == ".") {
    classify_source(c);
  } else if ((base == "conda" || base == "mamba" || base == "micromamba") && c.args.size() >= 2 &&
             c.args[0] == "activate") {
    c.kind = CommandKind::Activate;
    c.activates = c.args.back();
  }
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
        if (t.text.starts_with("<<") && t.text != "<<<") {
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

// The next logical line from lines[n]: continuations and open quotes joined, lexed.
std::vector<Token> next_logical_line(const std::vector<std::string>& lines, std::size_t& n) {
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
  return tokens;
}

}  // namespace

bool classify(std::vector<std::string> words, Command& c) {
  static const std::vector<std::string> kEnds = {"done", "fi", "esac", "}", ";;"};
  std::size_t i = skip_prefixes(words, 0);
  if (i >= words.size() || in(kEnds, words[i])) return false;
  if (words.size() - i == 1 && is_assignment(words[i])) {
    assign(words[i], c);
    c.program = c.name;
    return true;
  }
  if (is_launcher(basename_of(words[i]))) {
    i = take_launcher(words, i, c);
    if (i >= words.size()) return true;
  }
  c.program = words[i];
  c.args.assign(words.begin() + static_cast<long>(i) + 1, words.end());
  classify_program(c);
  return true;
}

void read_commands(const std::vector<std::string>& lines, JobScript& js) {
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
    std::vector<Token> tokens = next_logical_line(lines, n);
    add_commands(line, tokens, js.commands, heredoc, heredoc_dash);
  }
}

}  // namespace grader::jobscript::detail
