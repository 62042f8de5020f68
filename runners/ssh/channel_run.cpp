// One command on its own channel; see channel_run.h.
#include "runners/ssh/channel_run.h"

#include <libssh/server.h>  // ssh_send_keepalive (keepalive@openssh.com; not server-only)

#include <algorithm>
#include <utility>

namespace grader::ssh {

namespace {

// Ended, but something it started holds the streams open: this long, then the group is killed
// as the local executor does.
constexpr double kSettleS = 0.25;

}  // namespace

ChannelRun::ChannelRun(Session& session, ssh_channel ch, RemoteStreams& streams, std::string what)
    : s_(session), ch_(ch), streams_(streams), what_(std::move(what)) {
  st_.streams = &streams_;
  st_.install(ch_);
}

ChannelRun::~ChannelRun() {
  s_.release(ch_, st_);
}

bool ChannelRun::feed_stdin() {
  while (in_ && stdin_done_ < in_->size()) {
    std::uint32_t window = ssh_channel_window_size(ch_);
    if (window == 0) return true;
    std::size_t n = std::min<std::size_t>({in_->size() - stdin_done_, window, 32 * 1024});
    int w = ssh_channel_write(ch_, in_->data() + stdin_done_, static_cast<std::uint32_t>(n));
    if (w == SSH_ERROR) {
      if (!s_.alive()) s_.lost(what_);
      stdin_done_ = in_->size();  // it stopped reading: like EPIPE locally
      break;
    }
    stdin_done_ += static_cast<std::size_t>(w);
  }
  if (!st_.closed && !st_.eof) ssh_channel_send_eof(ch_);
  return false;
}

RemoteEnd::Stop ChannelRun::run(const std::string& command, const std::string* stdin_data,
                                Clock::time_point deadline, double keepalive_interval_s) {
  if (ssh_channel_request_exec(ch_, command.c_str()) != SSH_OK) s_.failed(what_);
  in_ = stdin_data;
  bool stdin_open = true;
  auto last_keepalive = Clock::now();
  for (;;) {
    if (stdin_open) stdin_open = feed_stdin();
    if (st_.over()) return RemoteEnd::Stop::OutputLimit;
    if (st_.closed) return RemoteEnd::Stop::Ended;
    if (st_.ended() && seconds_since(st_.ended_at) > kSettleS) return RemoteEnd::Stop::Ended;
    if (Clock::now() >= deadline) return RemoteEnd::Stop::Timeout;
    int wait_ms = ms_until(deadline);
    if (st_.ended()) wait_ms = std::min(wait_ms, 50);
    if (stdin_open && in_) wait_ms = std::min(wait_ms, 20);
    wait_ms = std::min(wait_ms, static_cast<int>(keepalive_interval_s * 1000));
    s_.poll(wait_ms, what_);
    if (seconds_since(std::max(st_.last_data, last_keepalive)) > keepalive_interval_s) {
      ssh_send_keepalive(s_.s);
      last_keepalive = Clock::now();
    }
  }
}

void ChannelRun::kill(double command_timeout_s, double close_within_s) {
  if (streams_.pgid() > 1) s_.exec(kill_group_command(streams_.pgid()), command_timeout_s);
  const auto close_by = after(close_within_s);
  while (!st_.closed && Clock::now() < close_by) s_.poll(ms_until(close_by), what_);
}

RemoteEnd ChannelRun::end(RemoteEnd::Stop stop) const {
  RemoteEnd end;
  end.stop = stop;
  end.no_workdir = streams_.no_workdir();
  end.exit_code = st_.exit_code;
  end.signal = st_.signal;
  if (!end.no_workdir && stop == RemoteEnd::Stop::Ended && !streams_.over()) {
    // Should not happen: the kill ends it. Say so rather than guess.
    if (!st_.closed && !st_.ended()) {
      throw TransportError(s_.where + ": " + what_ + ": the channel did not close after the kill");
    }
    if (!st_.ended()) {
      throw TransportError(s_.where + ": " + what_ +
                           ": the server closed the channel without an exit status");
    }
  }
  return end;
}

}  // namespace grader::ssh
