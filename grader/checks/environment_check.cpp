// Judging a virtual environment from its probes, and a requirements file; see
// environment_check.h.
#include "grader/checks/environment_check.h"

#include <re2/re2.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "grader/checks/evaluate.h"
#include "grader/util/text.h"

namespace grader {

namespace {

using nlohmann::json;

Requirement req(std::string name, bool met, std::string message) {
  return {std::move(name), met, std::move(message)};
}

// The probe prints one JSON line last; anything an env prints before it (a .pth file's output)
// is not the probe's.
std::optional<json> probe_answer(const RunResult& r) {
  if (r.status != RunStatus::Ok) return std::nullopt;
  json j = json::parse(last_line(r.out.data), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool inside(const std::string& path, const std::string& dir) {
  return !dir.empty() && (path == dir || path.rfind(dir + "/", 0) == 0);
}

// pip's own words from the run that was to build the env: its "ERROR:" (and "error:", as pip
// says externally-managed-environment) lines, at most three.
std::string pip_errors(const RunResult& build) {
  std::string out;
  int n = 0;
  for (auto line : split_lines(build.err.data)) {
    if ((line.rfind("ERROR:", 0) != 0 && line.rfind("error:", 0) != 0) || n++ == 3) continue;
    out += "\n    " + std::string(line);
  }
  return out.empty() ? "" : "; the build run's pip said:" + out;
}

// Where a file outside the environment came from, when the path tells.
std::string outside_because(const std::string& file) {
  if (file.find("/.local/lib/") != std::string::npos) return " (a pip install --user)";
  return "";
}

// Requirements that read pyvenv.cfg and where the env lives.
void judge_layout(const EnvironmentCheck& c, const json& a, const RunResults& runs,
                  std::vector<Requirement>& out) {
  const std::string prefix = str(a, "prefix");
  const json cfg = a.value("pyvenv_cfg", json());
  out.push_back(req("venv", cfg.is_object(),
                    cfg.is_object() ? c.path + " is a virtual environment (pyvenv.cfg)"
                                    : c.path + " has no pyvenv.cfg: it is not a virtual environment"));
  if (c.under) {
    std::string dir = a.value("paths", json::object()).value(*c.under, "");
    bool ok = inside(prefix, dir);
    out.push_back(req("under", ok,
                      ok ? "it lies in " + *c.under + " (" + dir + ")"
                         : "it lies at " + prefix + ", not in " + *c.under + " (" + dir + ")"));
  }
  auto cfg_value = [&](const char* key) { return cfg.is_object() ? str(cfg, key) : std::string(); };
  if (c.system_site_packages) {
    std::string want = *c.system_site_packages ? "true" : "false",
                got = cfg_value("include-system-site-packages");
    out.push_back(req("system_site_packages", got == want,
                      "pyvenv.cfg has include-system-site-packages = " + (got.empty() ? "(nothing)" : got) +
                          (got == want ? "" : ", not " + want)));
  }
  if (c.python) {
    std::string v = str(a, "version");
    bool ok = RE2::FullMatch(v, RE2(*c.python));
    out.push_back(req("python", ok, "its Python is " + v + (ok ? "" : ", not /" + *c.python + "/")));
  }
  if (c.home) {
    std::string want = *c.home, missing;
    if (!substitute_placeholders(want, runs, false, missing)) {
      out.push_back(
          req("home", false,
              "cannot tell which Python it should be made from: run '" + missing + "' did not succeed"));
    } else {
      std::string got = cfg_value("home");
      out.push_back(req("home", got == want,
                        "it was made from the Python in " + (got.empty() ? "(unknown)" : got) +
                            (got == want ? "" : ", not the one in " + want)));
    }
  }
}

void judge_packages(const EnvironmentCheck& c, const json& a, std::vector<Requirement>& out) {
  const std::string prefix = str(a, "prefix");
  const json pk = a.value("packages", json::object());
  for (const auto& [name, version] : c.packages) {
    json p = pk.value(name, json::object());
    std::string file = str(p, "file"), got = str(p, "version");
    if (p.contains("error"))
      out.push_back(req(name, false, name + " is not importable in the environment: " + str(p, "error")));
    else if (!inside(file, prefix))
      out.push_back(req(
          name, false, name + " imports from " + file + ", outside the environment" + outside_because(file)));
    else if (!version.empty() && got != version)
      out.push_back(req(name, false, name + " " + got + " is installed, not " + version));
    else
      out.push_back(req(name, true, name + " " + got + " is installed in the environment"));
  }
  for (const auto& name : c.visible) {
    json p = pk.value(name, json::object());
    bool ok = !p.contains("error");
    out.push_back(req(name, ok,
                      ok ? name + " is importable in the environment (from " + str(p, "file") + ")"
                         : name + " is not importable in the environment: " + str(p, "error")));
  }
}

void judge_base(const EnvironmentCheck& c, const RunResults& runs, std::vector<Requirement>& out) {
  auto it = runs.find(c.base_run);
  std::optional<json> b = it == runs.end() ? std::nullopt : probe_answer(it->second);
  std::string base = c.base_setup.empty() ? "the base python3" : "python3 after '" + c.base_setup + "'";
  for (const auto& name : c.not_in_base) {
    if (!b) {
      out.push_back(req("not_in_base", false, "could not ask " + base + " whether it imports " + name));
      continue;
    }
    json p = b->value("packages", json::object()).value(name, json::object());
    bool ok = p.contains("error");
    out.push_back(
        req("not_in_base", ok,
            ok ? base + " does not import " + name + ": it went into the environment only"
               : base + " imports " + name + " from " + str(p, "file") +
                     ": it was installed outside the environment (pip --user, or before activating)"));
  }
}

}  // namespace

EnvironmentEvaluation evaluate_environment(const EnvironmentCheck& c, const RunResult& build,
                                           const RunResults& runs) {
  EnvironmentEvaluation e;
  auto probe = runs.find(c.probe_run);
  if (probe == runs.end()) {
    e.error = "the environment's probe did not run";
    return e;
  }
  if (probe->second.status == RunStatus::RunnerError) {
    e.error = "the environment's probe could not be run: " + probe->second.message;
    return e;
  }
  std::optional<json> a = probe_answer(probe->second);
  if (!a) {
    std::string why = probe->second.exit_code == 127 || probe->second.exit_code == 126
                          ? "there is no environment at " + c.path + " (no bin/python)"
                          : "the environment's python did not answer the probe (" +
                                first_line(trim(probe->second.err.data)) + ")";
    e.requirements.push_back(req("venv", false, why + pip_errors(build)));
    return e;
  }
  judge_layout(c, *a, runs, e.requirements);
  judge_packages(c, *a, e.requirements);
  if (!c.not_in_base.empty()) judge_base(c, runs, e.requirements);
  // What pip said explains a missing package better than the import error does.
  auto unmet =
      std::find_if(e.requirements.begin(), e.requirements.end(), [](const auto& r) { return !r.met; });
  if (unmet != e.requirements.end() && !c.packages.empty()) unmet->message += pip_errors(build);
  return e;
}

std::string normalize_distribution_name(std::string_view name) {
  std::string out;
  bool sep = false;
  for (char ch : name) {
    if (ch == '-' || ch == '_' || ch == '.') {
      sep = true;
      continue;
    }
    if (sep && !out.empty()) out += '-';
    sep = false;
    out += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  }
  return out;
}

std::vector<Requirement> evaluate_requirements(const RequirementsCheck& c, std::string_view text) {
  static const RE2 kPinned(R"(([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==\s*([^\s;=]+)\s*(;.*)?)");
  std::vector<Requirement> out;
  std::vector<std::string> unpinned, pins;
  int n = 0;
  for (auto raw : split_lines(text)) {
    ++n;
    std::string line(trim(raw.substr(0, raw.find(" #"))));
    if (line.empty() || line[0] == '#') continue;
    std::string name, extras, version;
    if (RE2::FullMatch(line, kPinned, &name, &extras, &version))
      pins.push_back(normalize_distribution_name(name) + "==" + version);
    else
      unpinned.push_back(c.file + ":" + std::to_string(n) + ": '" + line + "'");
  }
  if (c.pinned)
    out.push_back(req("pinned", unpinned.empty(),
                      unpinned.empty() ? c.file + ": every requirement is pinned with ==" + std::string()
                                       : c.file + ": not pinned with ==: " + join(unpinned)));
  for (const auto& want : c.contains) {
    auto eq = want.find("==");
    std::string key =
        normalize_distribution_name(want.substr(0, eq)) + (eq == std::string::npos ? "" : want.substr(eq));
    bool ok = std::find(pins.begin(), pins.end(), key) != pins.end();
    out.push_back(req(want, ok, c.file + (ok ? " lists " : " does not list ") + want));
  }
  return out;
}

}  // namespace grader
