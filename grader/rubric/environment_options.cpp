// The environment check kinds and their probes; see environment_options.h.
#include "grader/rubric/environment_options.h"

#include <re2/re2.h>

#include <nlohmann/json.hpp>
#include <set>

#include "grader/checks/environment_probe.h"
#include "grader/cluster/profile.h"
#include "grader/rubric/placeholders.h"
#include "grader/rubric/value_rules.h"

namespace grader::rubric_loader {

namespace {

const std::vector<std::string> kEnvironmentKeys = {
    "path",     "under",   "system_site_packages", "python", "home",
    "packages", "visible", "not_in_base",          "setup",  "base_setup"};
const std::vector<std::string> kRequirementsKeys = {"file", "pinned", "contains"};
const std::vector<std::string> kCondaKeys = {"file",     "script", "profile", "python",
                                             "packages", "no_pip", "mirrored"};

TomlTable table_of(const TomlTable& check, const TomlValue& value, std::string_view key,
                   const std::string& example) {
  std::optional<TomlTable> t = value.as_table(check.where());
  if (!t) check.wrong_type(key, value, "a table like " + example);
  return *t;
}

// The kind's required `file`, a workspace path: "key 'KIND' in check 'x' has no 'file'; add
// file = \"EXAMPLE\"" when missing.
std::string required_file(const TomlTable& t, const TomlTable& check, std::string_view kind,
                          std::string_view example) {
  std::optional<std::string> file = t.get_string("file");
  if (!file)
    fail(t.pos(), "key '" + std::string(kind) + "' " + check.where() + " has no 'file'; add file = \"" +
                      std::string(example) + "\"");
  return checked_path(t, "file", *file, t.value_pos("file"));
}

std::vector<std::string> strings(const TomlTable& t, std::string_view key) {
  std::vector<std::string> out;
  if (auto list = t.get_strings(key))
    for (const TomlString& s : *list) out.push_back(s.value);
  return out;
}

std::string probe_args(const std::vector<std::string>& packages, const std::set<std::string>& paths) {
  nlohmann::json a = {{"packages", packages}, {"paths", nlohmann::json::object()}};
  for (const auto& p : paths) a["paths"][p] = p;
  return a.dump();
}

// The probe and its arguments go in as bash's $1 and $2, never spliced into the shell text.
RunSpec probe_run(std::string id, const RunSpec& built_by, std::string shell, std::string args) {
  RunSpec r;
  r.id = std::move(id);
  r.command = {"bash", "-c", std::move(shell), "probe", kEnvironmentProbe, std::move(args)};
  r.timeout_s = 30;
  r.env = built_by.env;
  r.hidden = true;
  r.pos = built_by.pos;
  return r;
}

}  // namespace

EnvironmentCheck load_environment_check(const TomlTable& check, const TomlValue& value) {
  TomlTable e = table_of(check, value, "environment", "{ path = \"$PROJECT_DIR/Example\" }");
  e.reject_unknown(kEnvironmentKeys);
  EnvironmentCheck c;
  std::optional<std::string> path = get_line(e, "path");
  if (!path || path->empty())
    fail(e.pos(),
         "key 'environment' " + check.where() + " has no 'path'; add e.g. path = \"$PROJECT_DIR/Example\"");
  c.path = *path;
  c.under = get_line(e, "under");
  c.system_site_packages = e.get_bool("system_site_packages");
  if ((c.python = e.get_string("python")))
    compile_regex(*c.python, "python", e, e.value_pos("python"), false);
  c.home = get_line(e, "home");
  if (auto packages = e.get_table("packages")) {
    for (const TomlEntry& p : packages->entries()) {
      const std::string* v = p.value.as_string();
      if (!v) packages->wrong_type(p.key, p.value, "a version string like \"1.1.0\" (\"\" for any)");
      c.packages[p.key] = *v;
    }
  }
  c.visible = strings(e, "visible");
  c.not_in_base = strings(e, "not_in_base");
  c.setup = e.get_string("setup").value_or("");
  check_placeholders(c.setup, e.value_pos("setup"), command_placeholder_names(),
                     "in 'setup' " + check.where());
  c.base_setup = e.get_string("base_setup").value_or("");
  check_placeholders(c.base_setup, e.value_pos("base_setup"), command_placeholder_names(),
                     "in 'base_setup' " + check.where());
  if (!c.base_setup.empty() && c.not_in_base.empty())
    fail(e.value_pos("base_setup"),
         "'base_setup' " + check.where() + " is for not_in_base, which is not given");
  return c;
}

RequirementsCheck load_requirements_check(const TomlTable& check, const TomlValue& value) {
  TomlTable r = table_of(check, value, "requirements", "{ file = \"requirements.txt\", pinned = true }");
  r.reject_unknown(kRequirementsKeys);
  RequirementsCheck c;
  c.file = required_file(r, check, "requirements", "requirements.txt");
  c.pinned = r.get_bool("pinned").value_or(false);
  c.contains = strings(r, "contains");
  return c;
}

CondaEnvCheck load_conda_env_check(const TomlTable& check, const TomlValue& value) {
  TomlTable t = table_of(check, value, "conda_env", "{ file = \"environment.yml\", profile = \"bianca\" }");
  t.reject_unknown(kCondaKeys);
  CondaEnvCheck c;
  c.file = required_file(t, check, "conda_env", "environment.yml");
  if (auto script = t.get_string("script"))
    c.script = checked_path(t, "script", *script, t.value_pos("script"));
  c.python = get_line(t, "python");
  c.packages = strings(t, "packages");
  c.no_pip = t.get_bool("no_pip").value_or(false);
  c.mirrored = t.get_bool("mirrored").value_or(false);
  if (c.mirrored && !t.has("profile"))
    fail(t.value_pos("mirrored"), "'mirrored' " + check.where() + " needs the cluster's profile = \"NAME\"");
  if (c.script && !t.has("profile"))
    fail(t.value_pos("script"),
         "'script' " + check.where() +
             " needs the cluster's profile = \"NAME\" (its conda module and project storage)");
  if (auto name = t.get_string("profile")) {
    ClusterProfile p;
    try {
      p = load_profile(*name);
    } catch (const ProfileError& e) {
      std::string why = e.line() > 0 ? std::string(e.what()) : e.bare_message();
      fail(t.value_pos("profile"), "cluster profile for 'profile' " + check.where() + ": " + why);
    }
    c.profile_name = p.name;
    if (p.conda) {
      c.channels = p.conda->channels;
      c.conda_module = p.conda->module;
      c.project_dir = p.conda->envs_under;
    }
    if (c.project_dir.empty() && p.project_dir) c.project_dir = RE2::QuoteMeta(*p.project_dir) + "(/.*)?";
  }
  return c;
}

void add_environment_probes(Rubric& rubric) {
  // What each environment path's probe must ask, and each base set-up's.
  struct Probe {
    std::string id;
    std::string shell;  // what runs the interpreter
    const RunSpec* built_by = nullptr;
    std::vector<std::string> packages;
    std::set<std::string> paths;
  };
  std::map<std::string, Probe> envs, bases;
  auto add_unique = [](std::vector<std::string>& v, const std::string& s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
  };
  for (CheckSpec& check : rubric.checks) {
    auto* e = std::get_if<EnvironmentCheck>(&check.kind);
    if (!e) continue;
    // One probe per environment as the rubric asks it: the same path after other set-up lines
    // is another question (a module that adds packages).
    Probe& p = envs[e->setup + "\n" + e->path];
    if (p.id.empty()) p.id = "@probe-" + std::to_string(envs.size());
    p.shell =
        (e->setup.empty() ? "" : e->setup + "\n") + "exec \"" + e->path + "/bin/python\" -c \"$1\" \"$2\"";
    p.built_by = rubric.find_run(check.run);
    for (const auto& [name, version] : e->packages) add_unique(p.packages, name);
    for (const auto& name : e->visible) add_unique(p.packages, name);
    if (e->under) p.paths.insert(*e->under);
    e->probe_run = p.id;
    if (e->not_in_base.empty()) continue;
    Probe& b = bases[e->base_setup];
    if (b.id.empty()) b.id = "@base-probe-" + std::to_string(bases.size());
    b.built_by = p.built_by;
    for (const auto& name : e->not_in_base) add_unique(b.packages, name);
    e->base_run = b.id;
  }
  // Probe ids start with '@', which no rubric id can: they never meet the rubric's own runs.
  // Made first, appended after: `built_by` points into rubric.runs, which appending moves.
  std::vector<RunSpec> probes;
  for (const auto& [key, p] : envs)
    probes.push_back(probe_run(p.id, *p.built_by, p.shell, probe_args(p.packages, p.paths)));
  for (const auto& [setup, b] : bases)
    probes.push_back(probe_run(b.id, *b.built_by, setup + "\nexec python3 -c \"$1\" \"$2\"",
                               probe_args(b.packages, b.paths)));
  for (auto& probe : probes) rubric.runs.push_back(std::move(probe));
}

}  // namespace grader::rubric_loader
