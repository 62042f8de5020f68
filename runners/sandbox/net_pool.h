// Network namespaces reused from run to run. A fresh one per run costs 0.4 ms at clone and as
// much CPU again when the kernel tears it down (cleanup_net, measured with a bare clone loop on
// this project's CI host): about a tenth of what the sandbox adds to a run. A root grader with a
// pid namespace per run keeps empty ones instead, one per concurrent run, and each run's init
// joins one with setns rather than making its own. Reuse is safe because (1) a run owns its
// namespace alone while it lasts; (2) it is handed back only once the run's pid namespace is
// gone, so no process of the run is left in it; (3) nothing in it is the learner's to change
// (no capability: no address, route, firewall rule or sysctl); and (4) it is kept only when it
// holds no socket at all, not even a TCP TIME_WAIT, which would make the next run's bind of the
// same port fail: such a namespace is closed, and so destroyed, and the next run gets a new one.
#pragma once

#include <mutex>
#include <string>
#include <vector>

namespace grader::sandbox {

// A new network namespace with lo up, made on a thread of its own; its fd, or -1 with `error`.
int make_netns(std::string& error);

// Whether a namespace's /proc/net/sockstat and sockstat6 count no socket of it: none in use of
// any family ("sockets: used"), none of TCP, UDP, UDP-Lite or raw, no TCP TIME_WAIT. Pure. (Not
// the tcp and unix tables: reading /proc/net/tcp walks the whole machine's hash table, 1.8 ms.)
bool sockstat_shows_no_socket(const std::string& sockstat, const std::string& sockstat6);

// Whether the namespace behind `fd` holds no socket (read on a thread that joins it).
bool netns_is_empty(int fd);

class NetnsPool {
 public:
  NetnsPool() = default;
  NetnsPool(const NetnsPool&) = delete;
  NetnsPool& operator=(const NetnsPool&) = delete;
  ~NetnsPool();

  // An idle namespace, or a new one; -1 with `error` when none could be made.
  int lease(std::string& error);
  // After the run: `reusable` when its pid namespace is gone. Kept for the next run when it is
  // and the namespace is empty; closed otherwise.
  void give_back(int fd, bool reusable);

 private:
  std::mutex mu_;
  std::vector<int> idle_;
};

}  // namespace grader::sandbox
