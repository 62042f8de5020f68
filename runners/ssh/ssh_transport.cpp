// SshTransport over libssh 0.10; see ssh_transport.h. One ssh_session and one ssh_event per
// connection: every wait (commands, kills, file transfers) goes through that event, so the
// callbacks of every open channel keep firing whichever call is waiting.
#include "runners/ssh/ssh_transport.h"

#include <fcntl.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>  // ssh_send_keepalive (keepalive@openssh.com; not server-only)
#include <libssh/sftp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <utility>

#include "grader/util/text.h"
#include "grader/util/units.h"
#include "runners/ssh/remote_command.h"
#include "runners/ssh/second_factor.h"

namespace grader {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// The connection itself failed (dropped, reset, timed out): the session is unusable.
class ConnectionLost : public TransportError {
 public:
  using TransportError::TransportError;
};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

int ms_until(Clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(ms, 0, 60'000));
}

Clock::time_point after(double seconds) {
  return Clock::now() +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::min(seconds, 1e8)));
}

int signal_number(const std::string& name) {
  static const std::pair<const char*, int> table[] = {
      {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ILL", SIGILL},   {"TRAP", SIGTRAP},
      {"ABRT", SIGABRT}, {"BUS", SIGBUS},   {"FPE", SIGFPE},   {"KILL", SIGKILL}, {"USR1", SIGUSR1},
      {"SEGV", SIGSEGV}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
      {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"SYS", SIGSYS},
  };
  std::string n = name.rfind("SIG", 0) == 0 ? name.substr(3) : name;
  for (const auto& [text, number] : table) {
    if (n == text) return number;
  }
  return 0;
}

std::string home_path(const std::string& rel) {
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + "/" + rel : "~/" + rel;
}

std::string known_host_name(const SshTarget& t) {
  return t.port == 22 ? t.host : "[" + t.host + "]:" + std::to_string(t.port);
}

// What one channel has seen, filled in by libssh's callbacks.
struct ChannelState {
  ssh_channel_callbacks_struct callbacks{};
  RemoteStreams* streams = nullptr;
  bool eof = false;
  bool closed = false;
  std::optional<int> exit_code;
  std::optional<int> signal;
  Clock::time_point ended_at{};
  Clock::time_point last_data = Clock::now();

  bool ended() const { return exit_code || signal; }
  bool over() const { return streams->over(); }

  static int on_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr, void* self) {
    auto* st = static_cast<ChannelState*>(self);
    st->last_data = Clock::now();
    st->streams->take(is_stderr != 0, static_cast<const char*>(data), len);
    return static_cast<int>(len);
  }
  static void on_eof(ssh_session, ssh_channel, void* self) { static_cast<ChannelState*>(self)->eof = true; }
  static void on_close(ssh_session, ssh_channel, void* self) {
    static_cast<ChannelState*>(self)->closed = true;
  }
  static void on_exit_status(ssh_session, ssh_channel, int status, void* self) {
    auto* st = static_cast<ChannelState*>(self);
    st->exit_code = status;
    st->ended_at = Clock::now();
  }
  static void on_exit_signal(ssh_session, ssh_channel, const char* sig, int, const char*, const char*,
                             void* self) {
    auto* st = static_cast<ChannelState*>(self);
    int n = signal_number(sig ? sig : "");
    st->signal = n > 0 ? n : SIGKILL;
    st->ended_at = Clock::now();
  }

  void install(ssh_channel ch) {
    callbacks.userdata = this;
    callbacks.channel_data_function = &ChannelState::on_data;
    callbacks.channel_eof_function = &ChannelState::on_eof;
    callbacks.channel_close_function = &ChannelState::on_close;
    callbacks.channel_exit_status_function = &ChannelState::on_exit_status;
    callbacks.channel_exit_signal_function = &ChannelState::on_exit_signal;
    ssh_callbacks_init(&callbacks);
    ssh_set_channel_callbacks(ch, &callbacks);
  }
};

}  // namespace

// The live connection.
struct SshTransport::Session {
  ssh_session s = nullptr;
  ssh_event event = nullptr;
  sftp_session sftp = nullptr;
  std::string where;

  ~Session() {
    if (sftp) sftp_free(sftp);
    if (event) {
      ssh_event_remove_session(event, s);
      ssh_event_free(event);
    }
    if (s) {
      if (ssh_is_connected(s)) ssh_disconnect(s);
      ssh_free(s);
    }
  }

  bool alive() const { return s && ssh_is_connected(s); }
  std::string error() const { return s ? ssh_get_error(s) : "no session"; }

  [[noreturn]] void lost(const std::string& while_doing) const {
    std::string why = error();
    throw ConnectionLost(where + ": connection lost while " + while_doing +
                         (why.empty() ? "" : " (" + why + ")"));
  }
  // After a libssh call failed: a dead connection is ConnectionLost, anything else plain.
  [[noreturn]] void failed(const std::string& while_doing) const {
    if (!alive()) lost(while_doing);
    throw TransportError(where + ": " + while_doing + " failed: " + error());
  }

  // One round of waiting on the connection; throws when it died.
  void poll(int ms, const std::string& while_doing) {
    int rc = ssh_event_dopoll(event, ms);
    if (rc == SSH_ERROR || !alive()) lost(while_doing);
  }

  ssh_channel open_channel(const std::string& while_doing) {
    ssh_channel ch = ssh_channel_new(s);
    if (!ch) failed(while_doing);
    if (ssh_channel_open_session(ch) != SSH_OK) {
      ssh_channel_free(ch);
      failed(while_doing);
    }
    return ch;
  }

  void ensure_sftp() {
    if (sftp) return;
    sftp = sftp_new(s);
    if (!sftp) failed("starting SFTP");
    if (sftp_init(sftp) != SSH_OK) {
      int code = sftp_get_error(sftp);
      sftp_free(sftp);
      sftp = nullptr;
      if (!alive()) lost("starting SFTP");
      throw TransportError(where + ": the server refused SFTP (error " + std::to_string(code) +
                           "); it needs the sftp subsystem");
    }
  }

  // A small command of our own (mktemp, mv, rm, kill) to completion: exit code, stdout, stderr.
  struct Small {
    int code = -1;
    std::string out, err;
  };
  Small exec(const std::string& command, double timeout_s) {
    ssh_channel ch = open_channel("opening a channel for '" + command + "'");
    CapturedStream out, err;
    RemoteStreams streams(out, err, 1024 * 1024, false);
    ChannelState st;
    st.streams = &streams;
    st.install(ch);
    auto free_channel = [&] {
      ssh_remove_channel_callbacks(ch, &st.callbacks);
      if (!st.closed && alive()) ssh_channel_close(ch);
      ssh_channel_free(ch);
    };
    try {
      if (ssh_channel_request_exec(ch, command.c_str()) != SSH_OK) failed("running '" + command + "'");
      ssh_channel_send_eof(ch);
      const auto deadline = after(timeout_s);
      while (!st.closed) {
        if (Clock::now() >= deadline) {
          throw TransportError(where + ": '" + command + "' did not finish within " +
                               format_duration(timeout_s));
        }
        poll(ms_until(deadline), "running '" + command + "'");
      }
    } catch (...) {
      free_channel();
      throw;
    }
    free_channel();
    Small r;
    r.code = st.exit_code.value_or(st.signal ? 128 + *st.signal : -1);
    r.out = std::move(out.data);
    r.err = std::move(err.data);
    return r;
  }
};

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

SshTransport::SshTransport(SshTarget target, SshOptions options)
    : target_(std::move(target)), options_(options) {
  // libssh 0.10 logs warnings to stderr through a process-wide level; errors reach us as
  // exceptions instead.
  static const bool quiet = [] { return ssh_set_log_level(SSH_LOG_NOLOG) == SSH_OK; }();
  (void)quiet;
  if (target_.host.empty()) target_.host = target_.alias;
  if (target_.alias.empty()) target_.alias = target_.host;
}

SshTransport::~SshTransport() = default;

void SshTransport::connect() {
  std::lock_guard<std::mutex> lock(mutex_);
  connect_locked();
}

std::string SshTransport::user_name(ssh_session_struct* s) const {
  std::string name = target_.user;
  char* user = nullptr;
  if (name.empty() && ssh_options_get(s, SSH_OPTIONS_USER, &user) == SSH_OK && user) {
    name = user;
    ssh_string_free_char(user);
  }
  return name;
}

namespace {
// A server that keeps asking is not answered forever: PAM stacks ask one or two rounds (a code,
// then an empty round that ends the conversation).
constexpr int kKbdintRounds = 8;
}  // namespace

// keyboard-interactive to the end, answers from second_factor.h. Returns SSH_AUTH_SUCCESS or
// throws: a refused answer is "the server refused the second factor", never a retry.
int SshTransport::keyboard_interactive(ssh_session_struct* s, Session& sess, const std::string& user,
                                       bool after_key) {
  KbdintPrompt p;
  p.where = sess.where;
  p.user_host = user + "@" + target_.host;
  int answered = 0;
  int rc = ssh_userauth_kbdint(s, nullptr, nullptr);
  for (int round = 0; rc == SSH_AUTH_INFO; ++round) {
    if (round >= kKbdintRounds) {
      throw TransportError(sess.where + ": the server asked more than " + std::to_string(kKbdintRounds) +
                           " rounds of keyboard-interactive questions; gave up");
    }
    p.name = ssh_userauth_kbdint_getname(s);
    p.instruction = ssh_userauth_kbdint_getinstruction(s);
    const int n = ssh_userauth_kbdint_getnprompts(s);
    for (int i = 0; i < n; ++i) {
      char echo = 0;
      const char* text = ssh_userauth_kbdint_getprompt(s, static_cast<unsigned int>(i), &echo);
      p.text = text ? text : "";
      p.echo = echo != 0;
      const std::string answer = answer_prompt(p);
      if (ssh_userauth_kbdint_setanswer(s, static_cast<unsigned int>(i), answer.c_str()) < 0) {
        sess.failed("answering the keyboard-interactive prompt");
      }
      ++answered;
    }
    rc = ssh_userauth_kbdint(s, nullptr, nullptr);
  }
  if (rc == SSH_AUTH_ERROR) sess.failed("keyboard-interactive authentication");
  if (rc == SSH_AUTH_SUCCESS) return rc;
  const std::string factor = after_key ? "the second factor" : "the keyboard-interactive answers";
  throw TransportError(sess.where + ": the server refused " + factor +
                       (answered ? " (" + std::to_string(answered) + " answer" + (answered > 1 ? "s" : "") +
                                       " given, last prompt '" + terminal_safe(p.text) + "')"
                                 : " without asking anything") +
                       (after_key ? "; the key itself was accepted. A wrong or already used one-time code "
                                    "looks like this"
                                  : ""));
}

void SshTransport::connect_locked() {
  session_.reset();
  auto sess = std::make_unique<Session>();
  sess->where = target_.url();
  const std::string& where = sess->where;
  sess->s = ssh_new();
  if (!sess->s) throw TransportError(where + ": ssh_new failed (out of memory)");
  ssh_session s = sess->s;

  int quiet = SSH_LOG_NOLOG;
  ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &quiet);
  // The config first (IdentityFile and the rest), then what the target says, which wins.
  ssh_options_set(s, SSH_OPTIONS_HOST, target_.alias.c_str());
  const char* config = target_.config_file ? target_.config_file->c_str() : nullptr;
  if (ssh_options_parse_config(s, config) != 0) {
    throw TransportError(where + ": cannot read the ssh config: " + sess->error());
  }
  ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &quiet);  // over the config's LogLevel
  // A config's `StrictHostKeyChecking no` would make libssh report an unknown host as known.
  int strict = 1;
  ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &strict);
  ssh_options_set(s, SSH_OPTIONS_HOST, target_.host.c_str());
  unsigned int port = target_.port;
  ssh_options_set(s, SSH_OPTIONS_PORT, &port);
  if (!target_.user.empty()) ssh_options_set(s, SSH_OPTIONS_USER, target_.user.c_str());
  if (!target_.known_hosts_file.empty()) {
    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, target_.known_hosts_file.c_str());
  }
  if (!target_.identity_file.empty()) {
    ssh_options_set(s, SSH_OPTIONS_IDENTITY, target_.identity_file.c_str());
  }
  if (target_.proxy_jump) {
    // libssh 0.10 has no native jump: the system ssh carries the connection (`ssh -W`), in
    // batch mode and with the same strict known_hosts as ours.
    std::string cmd = "exec ssh -o BatchMode=yes -o StrictHostKeyChecking=yes";
    if (target_.config_file) cmd += " -F " + shell_quote(target_.config_file->string());
    if (!target_.known_hosts_file.empty()) {
      cmd += " -o UserKnownHostsFile=" + shell_quote(target_.known_hosts_file.string());
    }
    if (!target_.identity_file.empty()) cmd += " -i " + shell_quote(target_.identity_file.string());
    // "user@host:port" is not an OpenSSH destination; its URI form is (OpenSSH >= 7.7).
    const std::string& jump = *target_.proxy_jump;
    const bool has_port = jump.find(':') != std::string::npos && jump.find("://") == std::string::npos;
    cmd += " -W '[%h]:%p' -- " + shell_quote(has_port ? "ssh://" + jump : jump);
    ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, cmd.c_str());
  } else if (target_.proxy_command) {
    ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, target_.proxy_command->c_str());
  }
  long secs = static_cast<long>(options_.connect_timeout_s);
  long usecs = static_cast<long>((options_.connect_timeout_s - static_cast<double>(secs)) * 1e6);
  int nodelay = 1;  // small request/reply packets: Nagle + delayed ACK would add ~40 ms each
  ssh_options_set(s, SSH_OPTIONS_NODELAY, &nodelay);
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &secs);
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &usecs);

  const auto started = Clock::now();
  if (ssh_connect(s) != SSH_OK) {
    std::string why = sess->error();
    if (seconds_since(started) >= options_.connect_timeout_s * 0.95 &&
        why.find("imeout") == std::string::npos) {
      why += " (no answer within " + format_duration(options_.connect_timeout_s) + ")";
    }
    throw TransportError(where + ": cannot connect: " + why +
                         (target_.proxy_jump ? " (through the jump host " + *target_.proxy_jump +
                                                   "; its ssh errors are on stderr)"
                                             : ""));
  }

  // libssh does not check the host key by itself.
  const std::string kh_file =
      target_.known_hosts_file.empty() ? home_path(".ssh/known_hosts") : target_.known_hosts_file.string();
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(s, &key) != SSH_OK) {
    throw TransportError(where + ": the server sent no host key: " + sess->error());
  }
  std::string fingerprint = "(unknown)";
  unsigned char* hash = nullptr;
  size_t hash_len = 0;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) == SSH_OK) {
    char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
    if (fp) {
      fingerprint = fp;
      ssh_string_free_char(fp);
    }
    ssh_clean_pubkey_hash(&hash);
  }
  const std::string key_type = ssh_key_type_to_char(ssh_key_type(key));
  ssh_key_free(key);
  const std::string name = known_host_name(target_);
  const std::string presented = name + " presents the " + key_type + " key " + fingerprint;
  switch (ssh_session_is_known_server(s)) {
    case SSH_KNOWN_HOSTS_OK: break;
    case SSH_KNOWN_HOSTS_CHANGED:
      throw TransportError(
          where + ": HOST KEY CHANGED: " + presented + ", but " + kh_file +
          " has a different key for it. Someone may be intercepting the connection, or the host "
          "was re-keyed. If the cluster announced new host keys, check the fingerprint against "
          "them, remove the old entry (ssh-keygen -R '" +
          name + "' -f " + kh_file + ") and add the new one. Nothing was sent to the host.");
    case SSH_KNOWN_HOSTS_OTHER:
      throw TransportError(where + ": host key mismatch: " + presented + ", but " + kh_file +
                           " has a key of another type for it; treated as a changed key. Check "
                           "the fingerprint against the cluster's published ones before "
                           "updating " +
                           kh_file + ".");
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      throw TransportError(
          where + ": unknown host key: " + presented + ", which is not in " + kh_file +
          ". Check this fingerprint against the one the cluster publishes, then add the key to " + kh_file +
          " (for example `ssh -o UserKnownHostsFile=" + kh_file + " -p " + std::to_string(target_.port) +
          " " + target_.host +
          "` once, answering yes only if the fingerprints match). The grader never adds keys.");
    case SSH_KNOWN_HOSTS_ERROR:
    default:
      throw TransportError(where + ": cannot check the host key against " + kh_file + ": " + sess->error());
  }

  // Authentication: the target's key, then the agent and the config's / default keys.
  std::vector<std::string> tried;
  int rc = ssh_userauth_none(s, nullptr);
  if (rc == SSH_AUTH_ERROR) sess->failed("authenticating");
  if (rc != SSH_AUTH_SUCCESS && !target_.identity_file.empty()) {
    ssh_key priv = nullptr;
    if (ssh_pki_import_privkey_file(target_.identity_file.c_str(), nullptr, nullptr, nullptr, &priv) ==
        SSH_OK) {
      rc = ssh_userauth_publickey(s, nullptr, priv);
      ssh_key_free(priv);
      tried.push_back("key " + target_.identity_file.string() + " (refused)");
    } else {
      tried.push_back("key " + target_.identity_file.string() +
                      " (unreadable, not a private key, or protected by a passphrase)");
    }
    if (rc == SSH_AUTH_ERROR) sess->failed("authenticating");
  }
  if (rc != SSH_AUTH_SUCCESS && rc != SSH_AUTH_PARTIAL) {
    rc = ssh_userauth_publickey_auto(s, nullptr, nullptr);
    tried.push_back(std::string(std::getenv("SSH_AUTH_SOCK") ? "the agent, " : "no agent, ") +
                    "the config's IdentityFile and ~/.ssh/id_* (refused or none)");
    if (rc == SSH_AUTH_ERROR) sess->failed("authenticating");
  }
  if (rc == SSH_AUTH_PARTIAL || rc == SSH_AUTH_DENIED) {
    const int methods = ssh_userauth_list(s, nullptr);
    if (methods & SSH_AUTH_METHOD_INTERACTIVE) {
      rc = keyboard_interactive(s, *sess, user_name(s), rc == SSH_AUTH_PARTIAL);
    } else if (rc == SSH_AUTH_PARTIAL) {
      throw TransportError(where +
                           ": the key was accepted but the server wants another method "
                           "after it, which the grader cannot do (docs/ssh.md)");
    }
  }
  if (rc != SSH_AUTH_SUCCESS) {
    int methods = ssh_userauth_list(s, nullptr);
    std::string accepts;
    auto add = [&accepts](const char* m) { accepts += (accepts.empty() ? "" : ", ") + std::string(m); };
    if (methods & SSH_AUTH_METHOD_PUBLICKEY) add("publickey");
    if (methods & SSH_AUTH_METHOD_PASSWORD) add("password");
    if (methods & SSH_AUTH_METHOD_INTERACTIVE) add("keyboard-interactive");
    if (methods & SSH_AUTH_METHOD_GSSAPI_MIC) add("gssapi");
    std::string list;
    for (const auto& t : tried) list += (list.empty() ? "" : "; ") + t;
    throw TransportError(where + ": authentication refused for user '" + user_name(s) + "' (tried: " + list +
                         "; the server accepts: " + (accepts.empty() ? "nothing we can offer" : accepts) +
                         ")");
  }

  // A dead peer is noticed by TCP: keepalive probes when idle, a bound on unacknowledged data.
  int fd = ssh_get_fd(s);
  if (fd >= 0 && !target_.proxy_jump && !target_.proxy_command) {
    int on = 1, idle = std::max(1, static_cast<int>(options_.keepalive_interval_s)), intvl = 5, cnt = 3;
    unsigned int user_timeout = static_cast<unsigned int>(idle + intvl * cnt) * 1000u;
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
    ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
  }
  sess->event = ssh_event_new();
  if (!sess->event || ssh_event_add_session(sess->event, s) != SSH_OK) {
    throw TransportError(where + ": cannot set up the event loop");
  }
  session_ = std::move(sess);
  ++connects_;
}

// Runs f(session) on a live connection; a connection lost on the way is retried once on a
// fresh one. Only for operations that may safely happen twice.
template <class F>
auto SshTransport::idempotent(const char* /*what*/, F&& f) {
  for (int attempt = 0;; ++attempt) {
    if (!session_ || !session_->alive()) connect_locked();
    try {
      return f(*session_);
    } catch (const ConnectionLost&) {
      session_.reset();
      if (attempt >= 1) throw;
    }
  }
}

std::string SshTransport::make_temp_dir(const std::string& prefix) {
  const std::string command = mktemp_command(prefix);
  std::lock_guard<std::mutex> lock(mutex_);
  return idempotent("make_temp_dir", [&](Session& s) {
    auto r = s.exec(command, options_.connect_timeout_s);
    std::string dir = r.out;
    while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
    if (r.code != 0 || dir.empty() || dir.front() != '/') {
      throw TransportError(s.where + ": cannot create a temporary directory: " +
                           (r.err.empty() ? "mktemp exited with " + std::to_string(r.code) : r.err));
    }
    return dir;
  });
}

void SshTransport::remove_tree(const std::string& path) {
  if (path.empty() || path == "/" || path.find('\0') != std::string::npos) {
    throw TransportError("refusing to remove '" + path + "'");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  idempotent("remove_tree", [&](Session& s) {
    auto r = s.exec("rm -rf -- " + shell_quote(path), std::max(60.0, options_.connect_timeout_s));
    if (r.code != 0) {
      throw TransportError(s.where + ": cannot remove " + path + ": " + r.err);
    }
    return 0;
  });
}

namespace {

// `code`: the SFTP status of the failed call, taken before anything else (sftp_close) can
// overwrite it; -1 reads it now.
[[noreturn]] void sftp_failed(SshTransport::Session& s, const std::string& what, const std::string& path,
                              int code = -1) {
  if (!s.alive()) s.lost(what + " " + path);
  if (code < 0) code = sftp_get_error(s.sftp);
  std::string why;
  switch (code) {
    case SSH_FX_NO_SUCH_FILE: why = "no such file or directory"; break;
    case SSH_FX_PERMISSION_DENIED: why = "permission denied"; break;
    case SSH_FX_FILE_ALREADY_EXISTS: why = "it exists already"; break;
    case SSH_FX_FAILURE: why = "failure (a full disk or quota shows up as this)"; break;
    default: why = "SFTP error " + std::to_string(code) + ": " + s.error(); break;
  }
  throw TransportError(s.where + ": cannot " + what + " " + path + ": " + why);
}

void sftp_put(SshTransport::Session& s, const std::string& path, const char* data, std::size_t n, mode_t mode,
              int extra_flags) {
  sftp_file f = sftp_open(s.sftp, path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | extra_flags, mode);
  if (!f) sftp_failed(s, "write", path);
  std::size_t done = 0;
  while (done < n) {
    std::size_t chunk = std::min<std::size_t>(n - done, 32 * 1024);
    ssize_t w = sftp_write(f, data + done, chunk);
    if (w <= 0) {
      int code = sftp_get_error(s.sftp);
      sftp_close(f);
      sftp_failed(s, "write", path, code);
    }
    done += static_cast<std::size_t>(w);
  }
  if (sftp_close(f) != SSH_NO_ERROR) sftp_failed(s, "write", path);
}

std::optional<std::string> sftp_get(SshTransport::Session& s, const std::string& path,
                                    std::uint64_t max_bytes, std::uint64_t* size = nullptr) {
  sftp_file f = sftp_open(s.sftp, path.c_str(), O_RDONLY, 0);
  if (!f) {
    if (!s.alive()) s.lost("reading " + path);
    if (sftp_get_error(s.sftp) == SSH_FX_NO_SUCH_FILE) return std::nullopt;
    sftp_failed(s, "read", path);
  }
  if (size) {
    sftp_attributes a = sftp_fstat(f);
    *size = a ? a->size : 0;
    if (a) sftp_attributes_free(a);
  }
  std::string data;
  char buf[32 * 1024];
  while (data.size() < max_bytes) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buf, max_bytes - data.size()));
    ssize_t r = sftp_read(f, buf, want);
    if (r < 0) {
      sftp_close(f);
      sftp_failed(s, "read", path);
    }
    if (r == 0) break;
    data.append(buf, static_cast<std::size_t>(r));
  }
  sftp_close(f);
  return data;
}

// The server's canonical form of `path` (symlinks resolved); empty when it does not resolve.
std::string sftp_real_path(SshTransport::Session& s, const std::string& path) {
  char* real = sftp_canonicalize_path(s.sftp, path.c_str());
  const std::string out = real ? real : "";
  if (real) ssh_string_free_char(real);
  return out;
}

// `full` read as a collected file when it is a regular file whose real path lies under
// `real_root` (the workdir's canonical path); absent otherwise.
CollectedFile sftp_collect(SshTransport::Session& s, const std::string& real_root, const std::string& full,
                           std::uint64_t limit) {
  CollectedFile f;
  const std::string real = real_root.empty() ? "" : sftp_real_path(s, full);
  sftp_attributes a = real.empty() ? nullptr : sftp_stat(s.sftp, real.c_str());
  const bool regular = a && a->type == SSH_FILEXFER_TYPE_REGULAR;
  if (a) sftp_attributes_free(a);
  if (regular && real.rfind(real_root + "/", 0) == 0) {
    std::uint64_t size = 0;
    if (auto data = sftp_get(s, real, limit, &size)) {
      f.exists = true;
      f.data = std::move(*data);
      f.size = size;
      f.truncated = size > f.data.size();
    }
  }
  return f;
}

}  // namespace

std::optional<std::string> SshTransport::read_file(const std::string& path, std::uint64_t max_bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  return idempotent("read_file", [&](Session& s) {
    s.ensure_sftp();
    return sftp_get(s, path, max_bytes);
  });
}

CollectedFile SshTransport::collect_file(const std::string& root, const std::string& rel,
                                         std::uint64_t limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  return idempotent("collect_file", [&](Session& s) {
    s.ensure_sftp();
    return sftp_collect(s, sftp_real_path(s, root), root + "/" + rel, limit);
  });
}

void SshTransport::write_file(const std::string& path, const std::string& content) {
  // Atomic: a temporary beside it, then rename(2) over it (`mv -f`: SFTP's rename refuses to
  // replace a file on OpenSSH servers).
  const std::string tmp = temp_beside(path);
  std::lock_guard<std::mutex> lock(mutex_);
  idempotent("write_file", [&](Session& s) {
    s.ensure_sftp();
    sftp_put(s, tmp, content.data(), content.size(), 0644, O_EXCL);
    auto r = s.exec("mv -f -- " + shell_quote(tmp) + " " + shell_quote(path), options_.connect_timeout_s);
    if (r.code != 0) {
      sftp_unlink(s.sftp, tmp.c_str());
      throw TransportError(s.where + ": cannot write " + path + ": " + r.err);
    }
    return 0;
  });
}

void SshTransport::upload(const fs::path& local_dir, const std::string& remote_dir) {
  std::error_code ec;
  if (!fs::is_directory(local_dir, ec)) {
    throw TransportError("cannot upload " + local_dir.string() + ": not a directory");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  idempotent("upload", [&](Session& s) {
    s.ensure_sftp();
    std::vector<std::pair<std::string, mode_t>> dir_modes;
    std::error_code walk_ec;
    for (auto it = fs::recursive_directory_iterator(local_dir, walk_ec);
         !walk_ec && it != fs::recursive_directory_iterator(); it.increment(walk_ec)) {
      const fs::path& p = it->path();
      const std::string rel =
          p.lexically_relative(local_dir).generic_string();  // not relative(): it follows links
      const std::string dest = remote_dir + "/" + rel;
      struct stat st {};
      if (::lstat(p.c_str(), &st) != 0) {
        throw TransportError("cannot upload " + p.string() + ": " + std::strerror(errno));
      }
      const mode_t mode = st.st_mode & 07777;
      if (S_ISLNK(st.st_mode)) {
        // Links are copied as links, their target text unchanged (as the local copy does).
        const std::string target = fs::read_symlink(p).string();
        sftp_unlink(s.sftp, dest.c_str());
        if (sftp_symlink(s.sftp, target.c_str(), dest.c_str()) != SSH_OK) {
          sftp_failed(s, "create the link", dest);
        }
      } else if (S_ISDIR(st.st_mode)) {
        if (sftp_mkdir(s.sftp, dest.c_str(), 0700) != SSH_OK &&
            sftp_get_error(s.sftp) != SSH_FX_FILE_ALREADY_EXISTS) {
          // OpenSSH answers FAILURE for an existing directory.
          sftp_attributes a = sftp_lstat(s.sftp, dest.c_str());
          const bool is_dir = a && a->type == SSH_FILEXFER_TYPE_DIRECTORY;
          if (a) sftp_attributes_free(a);
          if (!is_dir) sftp_failed(s, "create the directory", dest);
        }
        dir_modes.emplace_back(dest, mode);
      } else if (S_ISREG(st.st_mode)) {
        std::ifstream in(p, std::ios::binary);
        std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) throw TransportError("cannot read " + p.string());
        sftp_unlink(s.sftp, dest.c_str());  // a link there must not be written through
        sftp_put(s, dest, data.data(), data.size(), 0600, 0);
        if (sftp_chmod(s.sftp, dest.c_str(), mode) != SSH_OK) sftp_failed(s, "chmod", dest);
      }
      // Sockets, fifos, devices: not part of a submission; skipped.
    }
    if (walk_ec) throw TransportError("cannot upload " + local_dir.string() + ": " + walk_ec.message());
    // Directory modes last, deepest first: a read-only directory would refuse its own files.
    for (auto d = dir_modes.rbegin(); d != dir_modes.rend(); ++d) {
      if (sftp_chmod(s.sftp, d->first.c_str(), d->second) != SSH_OK) sftp_failed(s, "chmod", d->first);
    }
    return 0;
  });
}

RunResult SshTransport::run(const RunRequest& request) {
  if (auto why = invalid_remote_request(request)) return runner_error(request, *why);
  RemoteCommandOptions remote;
  remote.kill_grace_s = options_.kill_grace_s;
  remote.inherit_remote_env = options_.inherit_remote_env;
  const std::string command = remote_command(request, remote);

  std::lock_guard<std::mutex> lock(mutex_);
  RunResult result;
  result.id = request.id;
  RemoteStreams streams(result.out, result.err, request.output_limit, true);
  ChannelState st;
  st.streams = &streams;

  // Opening the channel may be retried on a fresh connection: nothing has been sent yet.
  ssh_channel ch = idempotent("run", [&](Session& s) { return s.open_channel("opening a channel"); });
  Session& s = *session_;
  st.install(ch);
  auto free_channel = [&] {
    ssh_remove_channel_callbacks(ch, &st.callbacks);
    if (!st.closed && s.alive()) ssh_channel_close(ch);
    ssh_channel_free(ch);
  };
  auto drop = [&] {  // the connection is gone: forget it, the next call reconnects
    free_channel();
    session_.reset();
  };
  const std::string what = "running '" + request.argv[0] + "'";

  enum class Stop { Ended, Timeout, OutputLimit };
  Stop stop = Stop::Ended;
  const auto start = Clock::now();
  const auto deadline = after(request.timeout_s);
  try {
    if (ssh_channel_request_exec(ch, command.c_str()) != SSH_OK) s.failed(what);
    std::size_t stdin_done = 0;
    const std::string* in = request.stdin_data ? &*request.stdin_data : nullptr;
    bool stdin_open = true;
    auto last_keepalive = Clock::now();
    for (;;) {
      if (stdin_open) {
        while (in && stdin_done < in->size()) {
          std::uint32_t window = ssh_channel_window_size(ch);
          if (window == 0) break;
          std::size_t n = std::min<std::size_t>({in->size() - stdin_done, window, 32 * 1024});
          int w = ssh_channel_write(ch, in->data() + stdin_done, static_cast<std::uint32_t>(n));
          if (w == SSH_ERROR) {
            if (!s.alive()) s.lost(what);
            stdin_done = in->size();  // it stopped reading: like EPIPE locally
            break;
          }
          stdin_done += static_cast<std::size_t>(w);
        }
        if (!in || stdin_done >= in->size()) {
          if (!st.closed && !st.eof) ssh_channel_send_eof(ch);
          stdin_open = false;
        }
      }
      if (st.over()) {
        stop = Stop::OutputLimit;
        break;
      }
      if (st.closed) break;
      // Ended, but something it started holds the streams open: give it a moment, then kill
      // the group as the local executor does.
      if (st.ended() && seconds_since(st.ended_at) > 0.25) break;
      if (Clock::now() >= deadline) {
        stop = Stop::Timeout;
        break;
      }
      int wait_ms = ms_until(deadline);
      if (st.ended()) wait_ms = std::min(wait_ms, 50);
      if (stdin_open && in) wait_ms = std::min(wait_ms, 20);
      wait_ms = std::min(wait_ms, static_cast<int>(options_.keepalive_interval_s * 1000));
      s.poll(wait_ms, what);
      if (seconds_since(std::max(st.last_data, last_keepalive)) > options_.keepalive_interval_s) {
        ssh_send_keepalive(s.s);
        last_keepalive = Clock::now();
      }
    }
    if (stop != Stop::Ended || !st.closed) {
      // Kill the remote process group over a second channel, then wait for the first to close.
      if (streams.pgid() > 1) {
        s.exec(kill_group_command(streams.pgid()), options_.connect_timeout_s);
      }
      if (stop != Stop::Ended) result.wall_s = seconds_since(start);
      const auto close_by = after(options_.kill_grace_s + 3);
      while (!st.closed && Clock::now() < close_by) s.poll(ms_until(close_by), what);
    }
  } catch (const ConnectionLost& e) {
    drop();
    throw TransportError(std::string(e.what()) + " after " + format_duration(seconds_since(start)) +
                         "; the command may have run in part, it was not retried");
  } catch (...) {
    if (session_ && session_->alive()) {
      free_channel();
    } else {
      drop();
    }
    throw;
  }
  if (result.wall_s == 0) result.wall_s = seconds_since(start);
  free_channel();

  RemoteEnd end;
  end.stop = stop == Stop::Timeout       ? RemoteEnd::Stop::Timeout
             : stop == Stop::OutputLimit ? RemoteEnd::Stop::OutputLimit
                                         : RemoteEnd::Stop::Ended;
  end.no_workdir = streams.no_workdir();
  end.exit_code = st.exit_code;
  end.signal = st.signal;
  if (!end.no_workdir && end.stop == RemoteEnd::Stop::Ended && !result.out.truncated &&
      !result.err.truncated) {
    // Should not happen: the kill above ends it. Say so rather than guess.
    if (!st.closed && !st.ended()) {
      throw TransportError(s.where + ": " + what + ": the channel did not close after the kill");
    }
    if (!st.ended()) {
      throw TransportError(s.where + ": " + what + ": the server closed the channel without an exit status");
    }
  }
  classify_remote_run(result, request, end);

  // Collected files: read back through SFTP, only from inside the workdir.
  if (!request.collect.empty() && result.status != RunStatus::RunnerError) {
    try {
      s.ensure_sftp();
      const std::string root = sftp_real_path(s, request.workdir.string());
      for (const std::string& rel : request.collect)
        result.files[rel] = sftp_collect(s, root, request.workdir.string() + "/" + rel, request.output_limit);
    } catch (const ConnectionLost& e) {
      session_.reset();
      throw TransportError(e.what());
    }
  }
  return result;
}

}  // namespace grader
