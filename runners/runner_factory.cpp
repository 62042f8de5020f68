// Runner selection; see runner_factory.h.
#include "runners/runner_factory.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "grader/cluster/profile.h"
#include "grader/grading/grade.h"
#include "grader/util/text.h"
#include "grader/util/usage_error.h"
#include "runners/executor_factory.h"
#include "runners/local/local_transport.h"
#include "runners/local/usable_cores.h"
#include "runners/openssh/openssh_transport.h"
#include "runners/remote/remote_process_executor.h"
#include "runners/slurm/slurm_executor.h"
#include "runners/ssh/ssh_transport.h"

extern char** environ;

namespace grader {

namespace {

// grader-contain beside the grader's own executable (the build directory, or PREFIX/bin);
// GRADER_CONTAIN names another. Empty when there is none: jobs then run uncontained, and say so.
std::string contain_binary() {
  if (const char* c = std::getenv("GRADER_CONTAIN"); c && *c) return c;
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  std::filesystem::path beside = self.parent_path() / "grader-contain";
  return std::filesystem::exists(beside, ec) ? beside.string() : "";
}

// Which SSH client carries a remote runner: GRADER_SSH_CLIENT, else the profile's ssh_client,
// else auto.
std::string ssh_client(const std::optional<std::string>& from_profile) {
  const char* env = std::getenv("GRADER_SSH_CLIENT");
  const std::string choice = env && *env ? env : from_profile.value_or("auto");
  if (choice != "libssh" && choice != "openssh" && choice != "auto") {
    throw UsageError("GRADER_SSH_CLIENT must be libssh, openssh or auto, not '" + choice + "'");
  }
  return choice;
}

// One SSH connection to the login node serves scheduler commands, uploads and command runs:
// libssh's own, or (openssh, or auto when one is running) an OpenSSH ControlMaster a person
// opened with their second factor.
void make_remote(Runner& r, SshTarget target, SlurmOptions slurm, const std::string& client) {
  std::optional<std::filesystem::path> master;
  if (client == "auto") master = OpenSshTransport::running_master(target);
  if (client == "openssh" || master) {
    OpenSshOptions o;
    o.inherit_remote_env = true;  // sbatch, squeue and module need the login node's environment
    o.control_path = master;
    auto t = std::make_unique<OpenSshTransport>(std::move(target), o);
    r.description = t->describe();
    r.transport = std::move(t);
  } else {
    SshOptions ssh;
    ssh.inherit_remote_env = true;
    r.description = target.url();
    r.transport = std::make_unique<SshTransport>(std::move(target), ssh);
  }
  r.executor = std::make_unique<RemoteProcessExecutor>(*r.transport);
  slurm.contain_binary = contain_binary();
  r.batch = std::make_unique<SlurmExecutor>(*r.transport, std::move(slurm));
}

// An ssh_config to read instead of ~/.ssh/config: GRADER_SSH_CONFIG (ci/cluster env sets it).
std::optional<std::filesystem::path> ssh_config() {
  const char* c = std::getenv("GRADER_SSH_CONFIG");
  if (c && *c) return std::filesystem::path(c);
  return std::nullopt;
}

SshTarget parse_target(const std::string& what, const std::string& runner) {
  try {
    return SshTarget::parse(what, ssh_config());
  } catch (const std::invalid_argument& e) {
    throw UsageError("--runner " + runner + ": " + e.what());
  }
}

// A profile's [ssh] env_prefix: PREFIX_HOST, _PORT, _USER, _KEY and _KNOWN_HOSTS, where set, say
// where that cluster is today (the test cluster's sshd listens on a port chosen at start).
void apply_env_prefix(SshTarget& target, const std::string& prefix, const std::string& runner) {
  auto get = [&](const char* suffix) -> std::optional<std::string> {
    const char* v = std::getenv((prefix + "_" + suffix).c_str());
    return v && *v ? std::optional<std::string>(v) : std::nullopt;
  };
  if (auto host = get("HOST")) target.host = *host;
  if (auto user = get("USER")) target.user = *user;
  if (auto key = get("KEY")) target.identity_file = *key;
  if (auto known = get("KNOWN_HOSTS")) target.known_hosts_file = *known;
  if (auto port = get("PORT")) {
    char* end = nullptr;
    long n = std::strtol(port->c_str(), &end, 10);
    if (*end || n < 1 || n > 65535)
      throw UsageError("--runner " + runner + ": " + prefix + "_PORT must be a port number, not '" + *port +
                       "'");
    target.port = static_cast<std::uint16_t>(n);
  }
}

}  // namespace

std::string runner_help() {
  std::string names;
  for (const auto& n : profile_names())
    if (n != "local") names += (names.empty() ? "" : ", ") + n;
  return "local (the test cluster), ssh://user@host[:port] or ssh://ALIAS, or a cluster profile" +
         (names.empty() ? std::string() : " (" + names + ")");
}

namespace {

std::string this_host() {
  char name[256] = {};
  return ::gethostname(name, sizeof name - 1) == 0 ? name : "localhost";
}

std::optional<ClusterProfile> test_cluster_profile() {
  auto names = profile_names();
  if (std::find(names.begin(), names.end(), "local") == names.end()) return std::nullopt;
  return load_profile("local");
}

Runner make_runner_for(const std::optional<std::string>& runner, const std::string& executor_name) {
  Runner r;
  if (!runner) {
    r.description = "local";
    r.executor = make_executor(executor_name);
    r.base_env = base_environment(environ);
    return r;
  }
  if (*runner == "local") {
    const char* conf = std::getenv("SLURM_CONF");
    if (!conf || !*conf)
      throw std::runtime_error(
          "--runner local needs the test cluster: SLURM_CONF is not set (start it with ci/cluster start, "
          "then "
          "eval \"$(ci/cluster env)\")");
    r.description = "local";
    r.executor = make_executor(executor_name);
    r.base_env = base_environment(environ);
    r.transport = std::make_unique<LocalTransport>();
    SlurmOptions o;
    // The scheduler commands see what the grader's environment allows through (PATH, SLURM_CONF,
    // the module variables); jobs get the run's environment, as if sbatch ran in it.
    o.command_env = r.base_env;
    if (const char* dir = std::getenv("GRADER_CLUSTER_DIR"); dir && *dir)
      o.scratch_dir = std::string(dir) + "/jobs";
    o.contain_binary = contain_binary();
    r.batch = std::make_unique<SlurmExecutor>(*r.transport, o);
    return r;
  }
  if (runner->rfind("ssh://", 0) == 0) {
    make_remote(r, parse_target(*runner, *runner), {}, ssh_client(std::nullopt));
    return r;
  }
  auto names = profile_names();
  if (std::find(names.begin(), names.end(), *runner) == names.end()) {
    names.push_back("local");
    std::string guess = closest_match(*runner, names);
    throw UsageError("unknown runner '" + *runner + "'" +
                     (guess.empty() ? "" : "; did you mean '" + guess + "'?") + "; known: " + runner_help());
  }
  ClusterProfile profile = load_profile(*runner);
  std::string host =
      profile.ssh && !profile.ssh->host.empty() ? profile.ssh->host : profile.login_host.value_or("");
  if (host.empty())
    throw UsageError("--runner " + *runner + ": the profile " + profile.source +
                     " names no login host; use --runner ssh://user@host");
  std::string url = "ssh://" + (profile.ssh && !profile.ssh->user.empty() ? profile.ssh->user + "@" : "") +
                    host + (profile.ssh && profile.ssh->port ? ":" + std::to_string(profile.ssh->port) : "");
  SlurmOptions o;
  // A profile's cluster flag (-M snowy) sends jobs where the course's scripts say they run.
  if (profile.cluster_flag) {
    std::istringstream words(*profile.cluster_flag);
    for (std::string w; words >> w;) o.sbatch_flags.push_back(w);
  }
  if (profile.scratch_dir) o.scratch_dir = *profile.scratch_dir;
  SshTarget target = parse_target(url, *runner);
  if (profile.ssh && !profile.ssh->env_prefix.empty())
    apply_env_prefix(target, profile.ssh->env_prefix, *runner);
  make_remote(r, std::move(target), std::move(o), ssh_client(profile.ssh_client));
  r.profile = std::move(profile);
  return r;
}

}  // namespace

Runner make_runner(const std::optional<std::string>& runner, const std::string& executor_name) {
  Runner r = make_runner_for(runner, executor_name);
  if (!r.profile) r.profile = test_cluster_profile();
  return r;
}

GradeOptions grade_options(const Runner& runner, const std::string& runner_name) {
  GradeOptions o;
  o.base_env = runner.base_env;
  o.runner_name = runner_name;
  o.batch_executor = runner.batch.get();
  o.runner_values = runner_values(runner.profile ? &*runner.profile : nullptr);
  // Runs here use this machine's cores unless the profile says what a node has.
  if (!o.runner_values.cores && (!runner.transport || runner.transport->name() == "local"))
    o.runner_values.cores = usable_cores();
  o.runner_host = runner.transport && runner.transport->name() != "local" ? runner.description : this_host();
  // ssh:// URLs name no cluster: their profile is only the fallback for placeholders.
  if (!runner_name.empty() && runner_name.rfind("ssh://", 0) != 0 && runner.profile)
    o.runner_cluster = runner.profile->name;
  return o;
}

}  // namespace grader
