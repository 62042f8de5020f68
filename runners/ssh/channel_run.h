// One command of SshTransport::run on a channel of its own, from exec to close: stdin fed as the
// channel's window allows, both streams handed to RemoteStreams, keepalives during long quiet
// stretches, and the stop: the command's end, our deadline, or a stream over its cap. When it
// did not simply end, the remote process group is killed over a second channel
// (`kill -KILL -- -PGID`; sshd starts every session in its own session and group) and the first
// one waited for. A connection that dies on the way is ConnectionLost; the caller forgets it.
#pragma once

#include <string>

#include "runners/ssh/ssh_session.h"

namespace grader::ssh {

class ChannelRun {
 public:
  // `ch`: an open channel of `session`, released (closed, freed) with this object.
  ChannelRun(Session& session, ssh_channel ch, RemoteStreams& streams, std::string what);
  ~ChannelRun();
  ChannelRun(const ChannelRun&) = delete;
  ChannelRun& operator=(const ChannelRun&) = delete;

  // Sends the command, then pumps until it stops. `stdin_data`: null for /dev/null.
  RemoteEnd::Stop run(const std::string& command, const std::string* stdin_data, Clock::time_point deadline,
                      double keepalive_interval_s);
  bool closed() const { return st_.closed; }
  // The process group killed (its pgid from the wrapper's marker), then the channel given
  // `close_within_s` to close.
  void kill(double command_timeout_s, double close_within_s);
  // How it ended, for classify_remote_run. Throws TransportError for a channel that closed, or
  // would not, without an exit status: the transport's failure, never the learner's.
  RemoteEnd end(RemoteEnd::Stop stop) const;

 private:
  // As much of stdin as the window takes; at its end, EOF. Returns whether stdin is still open.
  bool feed_stdin();

  Session& s_;
  ssh_channel ch_;
  RemoteStreams& streams_;
  std::string what_;  // "running 'python3'", for messages
  ChannelState st_;
  const std::string* in_ = nullptr;
  std::size_t stdin_done_ = 0;
};

}  // namespace grader::ssh
