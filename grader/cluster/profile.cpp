// Cluster profiles; see profile.h. toml++ stays inside this file.
#include "grader/cluster/profile.h"

#include <re2/re2.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "grader/jobscript/parser.h"
#include "grader/util/slurm_time.h"
#include "grader/util/text.h"

namespace grader {

namespace fs = std::filesystem;

ProfileError::ProfileError(const std::string& file, int line, int column, const std::string& message)
    : std::runtime_error(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message),
      file_(file),
      line_(line),
      column_(column),
      bare_(message) {}

namespace {

const std::vector<std::string> kTopKeys = {"name",
                                           "description",
                                           "centre",
                                           "login_host",
                                           "cluster_flag",
                                           "shebang",
                                           "account_pattern",
                                           "course_accounts",
                                           "max_walltime",
                                           "default_partition",
                                           "partitions",
                                           "partition_required",
                                           "features",
                                           "scratch_dir",
                                           "project_dir",
                                           "internet",
                                           "gpu",
                                           "python",
                                           "ssh",
                                           "ssh_client"};
const std::vector<std::string> kGpuKeys = {"types", "request", "partitions", "required", "example"};
const std::vector<std::string> kPythonKeys = {"modules", "recommended", "bundles"};
const std::vector<std::string> kSshKeys = {"host", "user", "port", "env_prefix"};
const std::vector<std::string> kGpuSyntaxes = {
    "gres",          "gres-typed",          "gpus",          "gpus-typed", "gpus-constraint",
    "gpus-per-node", "gpus-per-node-typed", "gpus-per-task", "partition"};

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const toml::source_region& at, const std::string& message) const {
    throw ProfileError(source_, static_cast<int>(at.begin.line), static_cast<int>(at.begin.column), message);
  }

  void reject_unknown(const toml::table& t, const std::vector<std::string>& allowed,
                      const std::string& where) const {
    for (const auto& [key, node] : t) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
      std::string close = closest_match(key.str(), allowed);
      fail(key.source(),
           "unknown key '" + std::string(key.str()) + "'" + where +
               (close.empty() ? "; allowed here: " + join(allowed) : "; did you mean '" + close + "'?"));
    }
  }

  std::optional<std::string> str(const toml::table& t, std::string_view key, const std::string& where) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) fail(n->source(), "key '" + std::string(key) + "'" + where + " must be a string");
    return n->as_string()->get();
  }

  std::optional<bool> boolean(const toml::table& t, std::string_view key, const std::string& where) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean())
      fail(n->source(), "key '" + std::string(key) + "'" + where + " must be true or false");
    return n->as_boolean()->get();
  }

  std::vector<std::string> strings(const toml::table& t, std::string_view key,
                                   const std::string& where) const {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) fail(n->source(), "key '" + std::string(key) + "'" + where + " must be an array of strings");
    for (const auto& e : *a) {
      if (!e.is_string())
        fail(e.source(), "elements of '" + std::string(key) + "'" + where + " must be strings");
      out.push_back(e.as_string()->get());
    }
    return out;
  }

  void check_regex(const toml::table& t, std::string_view key, const std::string& pattern) const {
    RE2::Options o;
    o.set_log_errors(false);
    RE2 re(pattern, o);
    if (!re.ok()) fail(t.get(key)->source(), "invalid regex for '" + std::string(key) + "': " + re.error());
  }

  ClusterProfile load(const toml::table& root);

 private:
  std::string source_;
};

ClusterProfile Reader::load(const toml::table& root) {
  ClusterProfile p;
  p.source = source_;
  reject_unknown(root, kTopKeys, "");
  const std::string top;
  auto name = str(root, "name", top);
  if (!name) throw ProfileError(source_, 1, 1, "profile has no 'name'");
  p.name = *name;
  p.description = str(root, "description", top).value_or("");
  p.centre = str(root, "centre", top).value_or("");
  p.login_host = str(root, "login_host", top);
  p.shebang = str(root, "shebang", top);
  if (p.shebang && p.shebang->rfind("#!", 0) != 0)
    fail(root.get("shebang")->source(), "key 'shebang' must start with '#!'");

  if ((p.cluster_flag = str(root, "cluster_flag", top))) {
    jobscript::JobScript js = jobscript::parse("#!/bin/bash\n#SBATCH " + *p.cluster_flag + "\n");
    const jobscript::Directive* m = js.find("clusters");
    if (!m || js.directives.size() != 1 || !js.issues.empty())
      fail(root.get("cluster_flag")->source(), "key 'cluster_flag' must be one -M option, like \"-M snowy\"");
    p.cluster = m->value;
  }
  if ((p.account_pattern = str(root, "account_pattern", top)))
    check_regex(root, "account_pattern", *p.account_pattern);
  p.course_accounts = strings(root, "course_accounts", top);
  if (p.account_pattern) {
    RE2 re(*p.account_pattern);
    for (const auto& a : p.course_accounts)
      if (!RE2::FullMatch(a, re))
        fail(root.get("course_accounts")->source(),
             "course account '" + a + "' does not match account_pattern");
  }
  if (auto t = str(root, "max_walltime", top)) {
    auto limit = parse_slurm_time(*t);
    if (!limit || limit->unlimited)
      fail(root.get("max_walltime")->source(),
           "key 'max_walltime' must be a Slurm time like \"10-00:00:00\", not '" + *t + "'");
    p.max_walltime = *t;
    p.max_walltime_s = static_cast<std::int64_t>(limit->seconds);
  }
  p.default_partition = str(root, "default_partition", top);
  p.partitions = strings(root, "partitions", top);
  p.partition_required = boolean(root, "partition_required", top).value_or(false);
  if (p.default_partition && !p.partitions.empty() &&
      std::find(p.partitions.begin(), p.partitions.end(), *p.default_partition) == p.partitions.end())
    fail(root.get("default_partition")->source(),
         "default_partition '" + *p.default_partition + "' is not in 'partitions'");
  p.features = strings(root, "features", top);
  p.scratch_dir = str(root, "scratch_dir", top);
  p.project_dir = str(root, "project_dir", top);
  p.internet = boolean(root, "internet", top);
  if ((p.ssh_client = str(root, "ssh_client", top))) {
    const std::vector<std::string> clients = {"libssh", "openssh", "auto"};
    if (std::find(clients.begin(), clients.end(), *p.ssh_client) == clients.end())
      fail(root.get("ssh_client")->source(),
           "key 'ssh_client' must be \"libssh\", \"openssh\" or \"auto\", not '" + *p.ssh_client + "'");
  }

  if (const toml::node* g = root.get("gpu")) {
    GpuRules rules;
    if (g->is_boolean()) {
      if (g->as_boolean()->get())
        fail(g->source(), "'gpu = true' says nothing; give a [gpu] table, or gpu = false for no GPUs");
      rules.available = false;
    } else if (const toml::table* t = g->as_table()) {
      const std::string where = " in [gpu]";
      reject_unknown(*t, kGpuKeys, where);
      rules.types = strings(*t, "types", where);
      rules.request = strings(*t, "request", where);
      for (const auto& r : rules.request) {
        if (std::find(kGpuSyntaxes.begin(), kGpuSyntaxes.end(), r) == kGpuSyntaxes.end()) {
          std::string close = closest_match(r, kGpuSyntaxes);
          fail(t->get("request")->source(),
               "unknown GPU request syntax '" + r + "'" +
                   (close.empty() ? "; known: " + join(kGpuSyntaxes) : "; did you mean '" + close + "'?"));
        }
      }
      rules.partitions = strings(*t, "partitions", where);
      rules.required = boolean(*t, "required", where).value_or(false);
      rules.example = str(*t, "example", where).value_or("");
    } else {
      fail(g->source(), "key 'gpu' must be a [gpu] table, or false for a cluster without GPUs");
    }
    p.gpu = rules;
  }

  if (const toml::node* py = root.get("python")) {
    const toml::table* t = py->as_table();
    if (!t) fail(py->source(), "key 'python' must be a [python] table");
    const std::string where = " in [python]";
    reject_unknown(*t, kPythonKeys, where);
    p.python.modules = strings(*t, "modules", where);
    for (const auto& m : p.python.modules) check_regex(*t, "modules", m);
    p.python.recommended = strings(*t, "recommended", where);
    p.python.bundles = strings(*t, "bundles", where);
  }

  if (const toml::node* s = root.get("ssh")) {
    const toml::table* t = s->as_table();
    if (!t) fail(s->source(), "key 'ssh' must be an [ssh] table");
    const std::string where = " in [ssh]";
    reject_unknown(*t, kSshKeys, where);
    SshHints h;
    h.host = str(*t, "host", where).value_or("");
    h.user = str(*t, "user", where).value_or("");
    h.env_prefix = str(*t, "env_prefix", where).value_or("");
    if (const toml::node* port = t->get("port")) {
      const auto* i = port->as_integer();
      if (!i || i->get() < 1 || i->get() > 65535)
        fail(port->source(), "key 'port' in [ssh] must be a port number");
      h.port = static_cast<int>(i->get());
    }
    p.ssh = h;
  }
  return p;
}

fs::path exe_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

}  // namespace

ClusterProfile parse_profile(std::string_view toml_text, const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string_view(source_name));
  } catch (const toml::parse_error& e) {
    throw ProfileError(source_name, static_cast<int>(e.source().begin.line),
                       static_cast<int>(e.source().begin.column), std::string(e.description()));
  }
  return Reader(source_name).load(root);
}

fs::path profile_dir() {
  std::error_code ec;
  if (const char* env = std::getenv("GRADER_CLUSTERS_DIR"); env && *env) return env;
  auto search_up = [&](fs::path dir) -> fs::path {
    for (int depth = 0; !dir.empty() && depth < 8; ++depth) {
      for (const fs::path& rel : {fs::path("runners/clusters"), fs::path("share/hpc-grader/clusters")}) {
        fs::path candidate = dir / rel;
        if (fs::is_directory(candidate, ec)) return candidate;
      }
      if (dir == dir.parent_path()) break;
      dir = dir.parent_path();
    }
    return {};
  };
  if (fs::path p = search_up(exe_dir()); !p.empty()) return p;
  return search_up(fs::current_path(ec));
}

std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  fs::path dir = profile_dir();
  std::error_code ec;
  if (dir.empty()) return names;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".toml" && entry.is_regular_file(ec))
      names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

ClusterProfile load_profile(const std::string& name_or_path) {
  fs::path path;
  bool by_name = name_or_path.find('/') == std::string::npos &&
                 !(name_or_path.size() > 5 && name_or_path.substr(name_or_path.size() - 5) == ".toml");
  if (by_name) {
    std::vector<std::string> names = profile_names();
    if (std::find(names.begin(), names.end(), name_or_path) == names.end()) {
      std::string close = closest_match(name_or_path, names);
      std::string where = profile_dir().empty() ? "no profile directory found (set GRADER_CLUSTERS_DIR)"
                                                : "the profiles are: " + join(names);
      throw ProfileError(name_or_path, 0, 0,
                         "no cluster profile '" + name_or_path + "'" +
                             (close.empty() ? "; " + where : "; did you mean '" + close + "'?"));
    }
    path = profile_dir() / (name_or_path + ".toml");
  } else {
    path = name_or_path;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ProfileError(path.string(), 0, 0, "cannot read cluster profile");
  std::ostringstream text;
  text << in.rdbuf();
  ClusterProfile p = parse_profile(text.str(), path.string());
  if (by_name && p.name != name_or_path)
    throw ProfileError(path.string(), 1, 1,
                       "profile says name = '" + p.name + "', but its file is " + name_or_path + ".toml");
  return p;
}

}  // namespace grader
