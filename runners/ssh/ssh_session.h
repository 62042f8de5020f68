// The live libssh connection under SshTransport (ssh_transport.h), and what its parts share:
// one ssh_session and one ssh_event per connection (every wait goes through that event, so the
// callbacks of every open channel keep firing whichever call is waiting), the SFTP session once
// files move, the callbacks that record what a channel saw, and the small commands the transport
// runs for itself (mktemp, mv, rm, kill). libssh's types are in this header: only
// runners/ssh/*.cpp include it.
#pragma once

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "grader/run/transport.h"
#include "runners/ssh/remote_command.h"

namespace grader::ssh {

using Clock = std::chrono::steady_clock;

// The connection itself failed (dropped, reset, timed out): the session is unusable.
class ConnectionLost : public TransportError {
 public:
  using TransportError::TransportError;
};

double seconds_since(Clock::time_point t);
// Milliseconds from now to `t`, clamped to 0..60 s: one round of waiting.
int ms_until(Clock::time_point t);
Clock::time_point after(double seconds);

// What one channel has seen, filled in by libssh's callbacks; its output goes to `streams`.
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
  // Points the channel's callbacks at this state (which must outlive them: Session::release).
  void install(ssh_channel ch);
};

class Session {
 public:
  Session() = default;
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  ssh_session s = nullptr;
  ssh_event event = nullptr;
  sftp_session sftp = nullptr;
  std::string where;  // the target's URL, for messages

  bool alive() const { return s && ssh_is_connected(s); }
  std::string error() const { return s ? ssh_get_error(s) : "no session"; }

  [[noreturn]] void lost(const std::string& while_doing) const;
  // After a libssh call failed: a dead connection is ConnectionLost, anything else plain.
  [[noreturn]] void failed(const std::string& while_doing) const;

  // One round of waiting on the connection; throws ConnectionLost when it died.
  void poll(int ms, const std::string& while_doing);
  // A new session channel; throws.
  ssh_channel open_channel(const std::string& while_doing);
  // Takes the state's callbacks off the channel, closes it (while the connection lives) and
  // frees it.
  void release(ssh_channel ch, ChannelState& st);
  // The SFTP session, started on first use; throws.
  void ensure_sftp();

  // A small command of our own to completion: exit code, stdout, stderr.
  struct Small {
    int code = -1;
    std::string out, err;
  };
  Small exec(const std::string& command, double timeout_s);
};

}  // namespace grader::ssh
