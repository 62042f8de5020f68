// environment.yml and create-env.sh against a cluster's conda rules; see conda_check.h.
#include "grader/checks/conda_check.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "grader/jobscript/parser.h"
#include "grader/util/text.h"

namespace grader {

namespace {

Requirement req(std::string name, bool met, std::string message) {
  return {std::move(name), met, std::move(message)};
}

// Real environment files never use anchors or aliases; refusing them keeps an alias bomb
// ("billion laughs") from ever being walked.
constexpr int kMaxAliases = 0;
constexpr std::size_t kMaxDependencies = 10000;

std::string at(const CondaEnvCheck& c, int line) {
  return c.file + ":" + std::to_string(line) + ": ";
}

// Why the text cannot be read as YAML, with its line; empty when it can.
std::string unreadable(const CondaEnvCheck& c, std::string_view text) {
  int n = 0;
  for (auto l : split_lines(text)) {
    ++n;
    if (!is_valid_utf8(l)) return at(c, n) + "a byte that is not UTF-8: save the file as UTF-8 text";
  }
  n = 0;
  int aliases = 0;
  for (auto l : split_lines(text)) {
    ++n;
    auto lead = l.substr(0, l.find_first_not_of(" \t"));
    if (lead.find('\t') != std::string_view::npos)
      return at(c, n) + "a tab in the indentation: YAML indents with spaces only";
    for (std::size_t i = l.find_first_of("*&"); i != std::string_view::npos; i = l.find_first_of("*&", i + 1))
      if ((i == 0 || l[i - 1] == ' ' || l[i - 1] == '[' || l[i - 1] == ',') && i + 1 < l.size() &&
          std::isalnum(static_cast<unsigned char>(l[i + 1])))
        ++aliases;
  }
  if (aliases > kMaxAliases)
    return c.file +
           ": uses YAML anchors or aliases (&name, *name), which an environment file does not need; refused";
  return "";
}

// "conda-forge::numpy=1.26" -> name "numpy", spec "=1.26".
void split_spec(std::string s, std::string& name, std::string& version) {
  if (auto colons = s.rfind("::"); colons != std::string::npos) s = s.substr(colons + 2);
  auto op = s.find_first_of("=<>!~ ");
  name = s.substr(0, op);
  version = op == std::string::npos ? "" : std::string(trim(s.substr(op)));
}

struct Deps {
  std::vector<std::pair<std::string, int>> specs;  // spec, line
  int pip_line = 0;                                // a `pip:` section's line, 0 when none
};

Deps dependencies(const YAML::Node& list) {
  Deps d;
  for (const auto& item : list) {
    if (d.specs.size() >= kMaxDependencies) break;
    int line = item.Mark().line + 1;
    if (item.IsScalar())
      d.specs.emplace_back(item.Scalar(), line);
    else if (item.IsMap() && item["pip"])
      d.pip_line = line;
  }
  return d;
}

void judge_python(const CondaEnvCheck& c, const Deps& d, std::vector<Requirement>& out) {
  for (const auto& [spec, line] : d.specs) {
    std::string name, version;
    split_spec(spec, name, version);
    if (name != "python") continue;
    std::string v = version.rfind("==", 0) == 0  ? version.substr(2)
                    : version.rfind('=', 0) == 0 ? version.substr(1)
                                                 : "";
    bool ok = !v.empty() && (v == *c.python || v.rfind(*c.python + ".", 0) == 0);
    out.push_back(req(
        "python", ok,
        at(c, line) + "'" + spec + "'" +
            (ok ? " pins Python to the " + *c.python + " series"
                : " does not pin Python to the " + *c.python + " series (write python=" + *c.python + ")")));
    return;
  }
  out.push_back(req("python", false, c.file + ": no python in dependencies: pin it, python=" + *c.python));
}

void judge_packages(const CondaEnvCheck& c, const Deps& d, std::vector<Requirement>& out) {
  for (const auto& want : c.packages) {
    auto it = std::find_if(d.specs.begin(), d.specs.end(), [&](const auto& s) {
      std::string name, version;
      split_spec(s.first, name, version);
      return name == want;
    });
    out.push_back(req(want, it != d.specs.end(),
                      it != d.specs.end() ? at(c, it->second) + "lists " + it->first
                                          : c.file + ": " + want + " is not among the dependencies"));
  }
  std::vector<std::string> pip_style, noted;
  for (const auto& [spec, line] : d.specs) {
    std::string name, version;
    split_spec(spec, name, version);
    if (version.rfind("~=", 0) == 0 || version.rfind("===", 0) == 0)
      pip_style.push_back(at(c, line) + "'" + spec + "' is pip's syntax, which conda does not read");
    else if (version.rfind("==", 0) == 0)
      noted.push_back(at(c, line) + "'" + spec +
                      "': conda's == means exactly this version; = means the series");
  }
  out.push_back(req("pins", pip_style.empty(),
                    pip_style.empty()
                        ? c.file + ": versions are conda specifications (=)" +
                              (noted.empty() ? "" : "\n    note: " + join(noted, "\n    note: "))
                        : join(pip_style, "\n    ")));
}

void judge_channels(const CondaEnvCheck& c, const YAML::Node& channels, std::vector<Requirement>& out) {
  if (c.channels.empty()) return;
  std::vector<std::string> foreign;
  for (const auto& ch : channels) {
    std::string name = ch.IsScalar() ? ch.Scalar() : "?";
    if (std::find(c.channels.begin(), c.channels.end(), name) == c.channels.end())
      foreign.push_back(at(c, ch.Mark().line + 1) + "'" + name + "'");
  }
  out.push_back(req("mirrored", foreign.empty(),
                    foreign.empty() ? c.file + ": every channel is mirrored on " + c.profile_name
                                    : "not mirrored on " + c.profile_name + " (" + join(c.channels) +
                                          "): " + join(foreign)));
}

}  // namespace

std::vector<Requirement> evaluate_conda_yaml(const CondaEnvCheck& c, std::string_view text) {
  std::vector<Requirement> out;
  if (std::string why = unreadable(c, text); !why.empty()) return {req("yaml", false, why)};
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return {req("yaml", false, at(c, e.mark.line + 1) + "not valid YAML: " + e.msg)};
  }
  if (!doc.IsMap())
    return {req("yaml", false, c.file + ": not a YAML mapping of name, channels, dependencies")};
  out.push_back(req("yaml", true, c.file + " is valid YAML"));
  for (const char* key : {"name", "channels", "dependencies"}) {
    bool ok = doc[key] && (std::string(key) == "name" ? doc[key].IsScalar() : doc[key].IsSequence());
    out.push_back(req(
        key, ok,
        c.file + (ok ? " has " : " has no ") + key + (std::string(key) == "name" || ok ? "" : " (a list)")));
  }
  Deps d =
      doc["dependencies"] && doc["dependencies"].IsSequence() ? dependencies(doc["dependencies"]) : Deps{};
  if (c.mirrored && doc["channels"] && doc["channels"].IsSequence()) judge_channels(c, doc["channels"], out);
  if (c.python) judge_python(c, d, out);
  if (c.python || !c.packages.empty()) judge_packages(c, d, out);
  if (c.no_pip)
    out.push_back(req("no_pip", d.pip_line == 0,
                      d.pip_line == 0 ? c.file + ": no pip: section"
                                      : at(c, d.pip_line) + "a pip: section: " + c.profile_name +
                                            " has no internet, so pip cannot download; take the "
                                            "package from conda's channels"));
  return out;
}

std::vector<Requirement> evaluate_conda_script(const CondaEnvCheck& c, std::string_view text) {
  std::vector<Requirement> out;
  jobscript::JobScript js = jobscript::parse(text);
  std::string where = *c.script;
  if (!c.conda_module.empty()) {
    const jobscript::Command* load = nullptr;
    for (const auto& cmd : js.commands)
      for (const auto& m : cmd.loads)
        if (!load && m.substr(0, m.find('/')) == c.conda_module) load = &cmd;
    out.push_back(req("conda_module", load != nullptr,
                      load ? where + ":" + std::to_string(load->line) + ": loads " + c.conda_module
                           : where + ": no 'module load " + c.conda_module + "' before conda runs"));
  }
  // Where the environment goes: CONDA_ENVS_PATH, or conda create's --prefix / -p.
  std::vector<std::pair<std::string, int>> places;
  for (const auto& cmd : js.commands) {
    std::vector<std::string> words = cmd.args;
    words.insert(words.begin(), cmd.program);
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::string& w = words[i];
      if (w.rfind("CONDA_ENVS_PATH=", 0) == 0) places.emplace_back(w.substr(16), cmd.line);
      if ((cmd.program == "conda" || cmd.program == "mamba") && (w == "--prefix" || w == "-p") &&
          i + 1 < words.size())
        places.emplace_back(words[i + 1], cmd.line);
      if ((cmd.program == "conda" || cmd.program == "mamba") && w.rfind("--prefix=", 0) == 0)
        places.emplace_back(w.substr(9), cmd.line);
    }
  }
  if (places.empty()) {
    out.push_back(req("project_storage", false,
                      where + ": the environment goes to ~/.conda: set CONDA_ENVS_PATH to project storage, "
                              "or give conda create --prefix"));
    return out;
  }
  RE2 storage(c.project_dir.empty() ? ".*" : c.project_dir);
  for (const auto& [path, line] : places) {
    bool home = path.rfind("~", 0) == 0 || path.rfind("$HOME", 0) == 0 || path.rfind("${HOME}", 0) == 0 ||
                path.rfind("/home/", 0) == 0;
    bool ok = !home && RE2::FullMatch(path, storage);
    out.push_back(req("project_storage", ok,
                      where + ":" + std::to_string(line) + ": " + path +
                          (ok     ? " is project storage"
                           : home ? " is in the home directory, not project storage"
                                  : " is not project storage (" + c.project_dir + ")")));
  }
  return out;
}

}  // namespace grader
