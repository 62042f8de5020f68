// Reading a cluster profile (through grader/util/toml_reader.h), one group of keys at a time;
// see profile.h. Finding profiles by name is profile_lookup.cpp.
#include "grader/cluster/profile.h"

#include <re2/re2.h>

#include <algorithm>

#include "grader/jobscript/parser.h"
#include "grader/util/slurm_time.h"
#include "grader/util/text.h"
#include "grader/util/toml_reader.h"

namespace grader {

ProfileError::ProfileError(const std::string& file, int line, int column, const std::string& message)
    : UsageError(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message),
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
                                           "cores_per_node",
                                           "mpi_launcher",
                                           "gpu",
                                           "python",
                                           "conda",
                                           "ssh",
                                           "ssh_client"};
const std::vector<std::string> kGpuKeys = {"types",    "features", "request", "partitions",
                                           "required", "example",  "per_node"};
const std::vector<std::string> kPythonKeys = {"modules", "recommended", "bundles"};
const std::vector<std::string> kCondaKeys = {"module", "channels", "envs_under"};
const std::vector<std::string> kSshKeys = {"host", "user", "port", "env_prefix"};
const std::vector<std::string> kGpuSyntaxes = {
    "gres",          "gres-typed",          "gpus",          "gpus-typed", "gpus-constraint",
    "gpus-per-node", "gpus-per-node-typed", "gpus-per-task", "partition"};

// An array of strings, or none when the key is not there.
std::vector<std::string> strings(const TomlTable& t, std::string_view key) {
  std::vector<std::string> out;
  for (const TomlString& s : t.get_strings(key).value_or(std::vector<TomlString>{})) out.push_back(s.value);
  return out;
}

[[noreturn]] void fail(const SourcePos& at, const std::string& message) {
  throw TomlError(at, message);
}

void check_regex(const TomlTable& t, std::string_view key, const std::string& pattern) {
  RE2::Options o;
  o.set_log_errors(false);
  RE2 re(pattern, o);
  if (!re.ok()) fail(t.value_pos(key), "invalid regex for '" + std::string(key) + "': " + re.error());
}

// name, description, centre, login_host, shebang.
void read_identity(const TomlTable& root, ClusterProfile& p) {
  auto name = root.get_string("name");
  if (!name) fail({p.source, 1, 1}, "profile has no 'name'");
  p.name = *name;
  p.description = root.get_string("description").value_or("");
  p.centre = root.get_string("centre").value_or("");
  p.login_host = root.get_string("login_host");
  p.shebang = root.get_string("shebang");
  if (p.shebang && p.shebang->rfind("#!", 0) != 0)
    fail(root.value_pos("shebang"), "key 'shebang' must start with '#!'");
}

// cluster_flag: one -M option, read as sbatch reads it.
void read_cluster_flag(const TomlTable& root, ClusterProfile& p) {
  if (!(p.cluster_flag = root.get_string("cluster_flag"))) return;
  jobscript::JobScript js = jobscript::parse("#!/bin/bash\n#SBATCH " + *p.cluster_flag + "\n");
  const jobscript::Directive* m = js.find("clusters");
  if (!m || js.directives.size() != 1 || !js.issues.empty())
    fail(root.value_pos("cluster_flag"), "key 'cluster_flag' must be one -M option, like \"-M snowy\"");
  p.cluster = m->value;
}

// account_pattern and the course_accounts that must match it.
void read_accounts(const TomlTable& root, ClusterProfile& p) {
  if ((p.account_pattern = root.get_string("account_pattern")))
    check_regex(root, "account_pattern", *p.account_pattern);
  p.course_accounts = strings(root, "course_accounts");
  if (!p.account_pattern) return;
  RE2 re(*p.account_pattern);
  for (const auto& a : p.course_accounts)
    if (!RE2::FullMatch(a, re))
      fail(root.value_pos("course_accounts"), "course account '" + a + "' does not match account_pattern");
}

// max_walltime, default_partition, partitions, partition_required.
void read_limits(const TomlTable& root, ClusterProfile& p) {
  if (auto t = root.get_string("max_walltime")) {
    auto limit = parse_slurm_time(*t);
    if (!limit || limit->unlimited)
      fail(root.value_pos("max_walltime"),
           "key 'max_walltime' must be a Slurm time like \"10-00:00:00\", not '" + *t + "'");
    p.max_walltime = *t;
    p.max_walltime_s = static_cast<std::int64_t>(limit->seconds);
  }
  p.default_partition = root.get_string("default_partition");
  p.partitions = strings(root, "partitions");
  p.partition_required = root.get_bool("partition_required").value_or(false);
  if (p.default_partition && !p.partitions.empty() &&
      std::find(p.partitions.begin(), p.partitions.end(), *p.default_partition) == p.partitions.end())
    fail(root.value_pos("default_partition"),
         "default_partition '" + *p.default_partition + "' is not in 'partitions'");
}

// features, mpi_launcher, scratch_dir, project_dir, internet, cores_per_node, ssh_client.
void read_site(const TomlTable& root, ClusterProfile& p) {
  p.features = strings(root, "features");
  if ((p.cores_per_node = root.get_integer("cores_per_node")) &&
      (*p.cores_per_node < 1 || *p.cores_per_node > 4096))
    fail(root.value_pos("cores_per_node"),
         "key 'cores_per_node' must be from 1 to 4096, not " + std::to_string(*p.cores_per_node));
  if ((p.mpi_launcher = root.get_string("mpi_launcher")) && *p.mpi_launcher != "srun")
    fail(root.value_pos("mpi_launcher"),
         "key 'mpi_launcher' can only be \"srun\" (MPI programs start with srun alone), not '" +
             *p.mpi_launcher + "'");
  p.scratch_dir = root.get_string("scratch_dir");
  p.project_dir = root.get_string("project_dir");
  p.internet = root.get_bool("internet");
  if ((p.ssh_client = root.get_string("ssh_client"))) {
    const std::vector<std::string> clients = {"libssh", "openssh", "auto"};
    if (std::find(clients.begin(), clients.end(), *p.ssh_client) == clients.end())
      fail(root.value_pos("ssh_client"),
           "key 'ssh_client' must be \"libssh\", \"openssh\" or \"auto\", not '" + *p.ssh_client + "'");
  }
}

GpuRules read_gpu_table(const TomlTable& t) {
  GpuRules rules;
  t.reject_unknown(kGpuKeys);
  rules.types = strings(t, "types");
  rules.features = strings(t, "features");
  rules.request = strings(t, "request");
  for (const auto& r : rules.request) {
    if (std::find(kGpuSyntaxes.begin(), kGpuSyntaxes.end(), r) == kGpuSyntaxes.end()) {
      std::string guess = did_you_mean(r, kGpuSyntaxes);
      fail(t.value_pos("request"), "unknown GPU request syntax '" + r + "'" +
                                       (guess.empty() ? "; known: " + join(kGpuSyntaxes) : guess));
    }
  }
  rules.partitions = strings(t, "partitions");
  rules.required = t.get_bool("required").value_or(false);
  rules.example = t.get_string("example").value_or("");
  if ((rules.per_node = t.get_integer("per_node")) && (*rules.per_node < 1 || *rules.per_node > 64))
    fail(t.value_pos("per_node"),
         "key 'per_node' must be from 1 to 64, not " + std::to_string(*rules.per_node));
  return rules;
}

// gpu = false, or a [gpu] table.
void read_gpu(const TomlTable& root, ClusterProfile& p) {
  std::optional<TomlValue> g = root.get("gpu");
  if (!g) return;
  if (std::optional<bool> b = g->as_bool()) {
    if (*b) fail(g->pos(), "'gpu = true' says nothing; give a [gpu] table, or gpu = false for no GPUs");
    p.gpu = GpuRules{};
    p.gpu->available = false;
  } else if (std::optional<TomlTable> t = g->as_table("in [gpu]")) {
    p.gpu = read_gpu_table(*t);
  } else {
    fail(g->pos(), "key 'gpu' must be a [gpu] table, or false for a cluster without GPUs");
  }
}

void read_python(const TomlTable& root, ClusterProfile& p) {
  std::optional<TomlValue> py = root.get("python");
  if (!py) return;
  std::optional<TomlTable> t = py->as_table("in [python]");
  if (!t) fail(py->pos(), "key 'python' must be a [python] table");
  t->reject_unknown(kPythonKeys);
  p.python.modules = strings(*t, "modules");
  for (const auto& m : p.python.modules) check_regex(*t, "modules", m);
  p.python.recommended = strings(*t, "recommended");
  p.python.bundles = strings(*t, "bundles");
}

void read_conda(const TomlTable& root, ClusterProfile& p) {
  std::optional<TomlValue> c = root.get("conda");
  if (!c) return;
  std::optional<TomlTable> t = c->as_table("in [conda]");
  if (!t) fail(c->pos(), "key 'conda' must be a [conda] table");
  t->reject_unknown(kCondaKeys);
  CondaRules r;
  r.module = t->get_string("module").value_or("");
  r.channels = strings(*t, "channels");
  r.envs_under = t->get_string("envs_under").value_or("");
  if (!r.envs_under.empty()) check_regex(*t, "envs_under", r.envs_under);
  p.conda = r;
}

void read_ssh(const TomlTable& root, ClusterProfile& p) {
  std::optional<TomlValue> s = root.get("ssh");
  if (!s) return;
  std::optional<TomlTable> t = s->as_table("in [ssh]");
  if (!t) fail(s->pos(), "key 'ssh' must be an [ssh] table");
  t->reject_unknown(kSshKeys);
  SshHints h;
  h.host = t->get_string("host").value_or("");
  h.user = t->get_string("user").value_or("");
  h.env_prefix = t->get_string("env_prefix").value_or("");
  if (std::optional<TomlValue> port = t->get("port")) {
    std::optional<std::int64_t> i = port->as_integer();
    if (!i || *i < 1 || *i > 65535) fail(port->pos(), "key 'port' in [ssh] must be a port number");
    h.port = static_cast<int>(*i);
  }
  p.ssh = h;
}

ClusterProfile read_profile(const TomlTable& root) {
  ClusterProfile p;
  p.source = root.pos().file;
  root.reject_unknown(kTopKeys);
  read_identity(root, p);
  read_cluster_flag(root, p);
  read_accounts(root, p);
  read_limits(root, p);
  read_site(root, p);
  read_gpu(root, p);
  read_python(root, p);
  read_conda(root, p);
  read_ssh(root, p);
  return p;
}

}  // namespace

ClusterProfile parse_profile(std::string_view toml_text, const std::string& source_name) {
  try {
    TomlDocument doc = TomlDocument::parse(toml_text, source_name, TomlWording::Terse);
    return read_profile(doc.root());
  } catch (const TomlError& e) {
    throw ProfileError(e.pos().file, e.pos().line, e.pos().column, e.bare_message());
  }
}

}  // namespace grader
