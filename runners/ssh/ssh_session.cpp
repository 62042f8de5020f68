// The live libssh connection; see ssh_session.h.
#include "runners/ssh/ssh_session.h"

#include <algorithm>
#include <csignal>
#include <utility>

#include "grader/util/units.h"

namespace grader::ssh {

namespace {

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

ChannelState& state(void* self) {
  return *static_cast<ChannelState*>(self);
}

int on_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr, void* self) {
  state(self).last_data = Clock::now();
  state(self).streams->take(is_stderr != 0, static_cast<const char*>(data), len);
  return static_cast<int>(len);
}
void on_eof(ssh_session, ssh_channel, void* self) {
  state(self).eof = true;
}
void on_close(ssh_session, ssh_channel, void* self) {
  state(self).closed = true;
}
void on_exit_status(ssh_session, ssh_channel, int status, void* self) {
  state(self).exit_code = status;
  state(self).ended_at = Clock::now();
}
void on_exit_signal(ssh_session, ssh_channel, const char* sig, int, const char*, const char*, void* self) {
  int n = signal_number(sig ? sig : "");
  state(self).signal = n > 0 ? n : SIGKILL;
  state(self).ended_at = Clock::now();
}

}  // namespace

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

void ChannelState::install(ssh_channel ch) {
  callbacks.userdata = this;
  callbacks.channel_data_function = &on_data;
  callbacks.channel_eof_function = &on_eof;
  callbacks.channel_close_function = &on_close;
  callbacks.channel_exit_status_function = &on_exit_status;
  callbacks.channel_exit_signal_function = &on_exit_signal;
  ssh_callbacks_init(&callbacks);
  ssh_set_channel_callbacks(ch, &callbacks);
}

Session::~Session() {
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

void Session::lost(const std::string& while_doing) const {
  std::string why = error();
  throw ConnectionLost(where + ": connection lost while " + while_doing +
                       (why.empty() ? "" : " (" + why + ")"));
}

void Session::failed(const std::string& while_doing) const {
  if (!alive()) lost(while_doing);
  throw TransportError(where + ": " + while_doing + " failed: " + error());
}

void Session::poll(int ms, const std::string& while_doing) {
  int rc = ssh_event_dopoll(event, ms);
  if (rc == SSH_ERROR || !alive()) lost(while_doing);
}

ssh_channel Session::open_channel(const std::string& while_doing) {
  ssh_channel ch = ssh_channel_new(s);
  if (!ch) failed(while_doing);
  if (ssh_channel_open_session(ch) != SSH_OK) {
    ssh_channel_free(ch);
    failed(while_doing);
  }
  return ch;
}

void Session::release(ssh_channel ch, ChannelState& st) {
  ssh_remove_channel_callbacks(ch, &st.callbacks);
  if (!st.closed && alive()) ssh_channel_close(ch);
  ssh_channel_free(ch);
}

void Session::ensure_sftp() {
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

Session::Small Session::exec(const std::string& command, double timeout_s) {
  const std::string what = "running '" + command + "'";
  ssh_channel ch = open_channel("opening a channel for '" + command + "'");
  CapturedStream out, err;
  RemoteStreams streams(out, err, 1024 * 1024, false);
  ChannelState st;
  st.streams = &streams;
  st.install(ch);
  try {
    if (ssh_channel_request_exec(ch, command.c_str()) != SSH_OK) failed(what);
    ssh_channel_send_eof(ch);
    const auto deadline = after(timeout_s);
    while (!st.closed) {
      if (Clock::now() >= deadline) {
        throw TransportError(where + ": '" + command + "' did not finish within " +
                             format_duration(timeout_s));
      }
      poll(ms_until(deadline), what);
    }
  } catch (...) {
    release(ch, st);
    throw;
  }
  release(ch, st);
  Small r;
  r.code = st.exit_code.value_or(st.signal ? 128 + *st.signal : -1);
  r.out = std::move(out.data);
  r.err = std::move(err.data);
  return r;
}

}  // namespace grader::ssh
