// Landlock; see landlock.h.
#include "runners/sandbox/landlock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <utility>

namespace grader::sandbox {
namespace {

// The uapi of Linux 6.12+ (ABI 6), independent of the build host's <linux/landlock.h>.
struct RulesetAttr {
  std::uint64_t handled_access_fs;
  std::uint64_t handled_access_net;  // ABI 4
  std::uint64_t scoped;              // ABI 6
};
struct PathBeneathAttr {
  std::uint64_t allowed_access;
  std::int32_t parent_fd;
} __attribute__((packed));

constexpr unsigned kCreateRulesetVersion = 1U << 0;
constexpr int kRulePathBeneath = 1;

constexpr std::uint64_t kExecute = 1ULL << 0;
constexpr std::uint64_t kWriteFile = 1ULL << 1;
constexpr std::uint64_t kReadFile = 1ULL << 2;
constexpr std::uint64_t kReadDir = 1ULL << 3;
constexpr std::uint64_t kRemoveDir = 1ULL << 4;
constexpr std::uint64_t kRemoveFile = 1ULL << 5;
constexpr std::uint64_t kMakeChar = 1ULL << 6;
constexpr std::uint64_t kMakeDir = 1ULL << 7;
constexpr std::uint64_t kMakeReg = 1ULL << 8;
constexpr std::uint64_t kMakeSock = 1ULL << 9;
constexpr std::uint64_t kMakeFifo = 1ULL << 10;
constexpr std::uint64_t kMakeBlock = 1ULL << 11;
constexpr std::uint64_t kMakeSym = 1ULL << 12;
constexpr std::uint64_t kRefer = 1ULL << 13;     // ABI 2
constexpr std::uint64_t kTruncate = 1ULL << 14;  // ABI 3
constexpr std::uint64_t kIoctlDev = 1ULL << 15;  // ABI 5

constexpr std::uint64_t kNetBindTcp = 1ULL << 0;     // ABI 4
constexpr std::uint64_t kNetConnectTcp = 1ULL << 1;  // ABI 4

constexpr std::uint64_t kScopeAbstractUnix = 1ULL << 0;  // ABI 6
constexpr std::uint64_t kScopeSignal = 1ULL << 1;        // ABI 6

// Rights that apply to a file (not a directory); a rule on a file may hold only these.
constexpr std::uint64_t kFileRights = kExecute | kWriteFile | kReadFile | kTruncate | kIoctlDev;

std::uint64_t handled_fs(int abi) {
  std::uint64_t h = kExecute | kWriteFile | kReadFile | kReadDir | kRemoveDir | kRemoveFile | kMakeChar |
                    kMakeDir | kMakeReg | kMakeSock | kMakeFifo | kMakeBlock | kMakeSym;
  if (abi >= 2) h |= kRefer;
  if (abi >= 3) h |= kTruncate;
  if (abi >= 5) h |= kIoctlDev;
  return h;
}

int create_ruleset(const RulesetAttr* attr, std::size_t size, unsigned flags) {
  return static_cast<int>(::syscall(SYS_landlock_create_ruleset, attr, size, flags));
}

// Adds one path rule; a missing path is skipped (true). False with errno on a refusal.
bool add_path(int ruleset, const std::filesystem::path& path, std::uint64_t rights, std::uint64_t handled) {
  int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT || errno == ENOTDIR || errno == EACCES;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    errno = err;
    return false;
  }
  PathBeneathAttr attr{};
  attr.allowed_access = rights & handled & (S_ISDIR(st.st_mode) ? ~0ULL : kFileRights);
  attr.parent_fd = fd;
  long rc =
      attr.allowed_access == 0 ? 0 : ::syscall(SYS_landlock_add_rule, ruleset, kRulePathBeneath, &attr, 0U);
  int err = errno;
  ::close(fd);
  errno = err;
  return rc == 0;
}

}  // namespace

int landlock_abi() {
  static const int abi = [] {
    int v = create_ruleset(nullptr, 0, kCreateRulesetVersion);
    return v < 0 ? 0 : v;
  }();
  return abi;
}

LandlockRuleset& LandlockRuleset::operator=(LandlockRuleset&& o) noexcept {
  if (this != &o) {
    if (fd >= 0) ::close(fd);
    fd = std::exchange(o.fd, -1);
    abi = o.abi;
    fs = o.fs;
    net = o.net;
    scoped = o.scoped;
  }
  return *this;
}

LandlockRuleset::~LandlockRuleset() {
  if (fd >= 0) ::close(fd);
}

bool build_landlock_ruleset(int abi, const LandlockOptions& o, LandlockRuleset& out, std::string& error) {
  out = LandlockRuleset();
  if (abi < 1) {
    error = "Landlock is not available in this kernel";
    return false;
  }
  RulesetAttr attr{};
  attr.handled_access_fs = handled_fs(abi);
  std::size_t size = sizeof attr.handled_access_fs;
  if (abi >= 4) {
    if (o.deny_tcp) attr.handled_access_net = kNetBindTcp | kNetConnectTcp;
    size = offsetof(RulesetAttr, scoped);
  }
  if (abi >= 6) {
    if (o.scope) attr.scoped = kScopeAbstractUnix | kScopeSignal;
    size = sizeof attr;
  }
  int fd = create_ruleset(&attr, size, 0);
  if (fd < 0) {
    error = std::string("landlock_create_ruleset: ") + std::strerror(errno);
    return false;
  }
  LandlockRuleset r;
  r.fd = fd;
  r.abi = abi;
  const std::uint64_t h = attr.handled_access_fs;
  const std::uint64_t read = kReadFile | kReadDir;
  const std::uint64_t rw = h;  // everything handled
  const std::uint64_t dev = kReadFile | kWriteFile | kTruncate | kIoctlDev;
  struct Group {
    const std::vector<std::filesystem::path>* paths;
    std::uint64_t rights;
  };
  for (const Group& g : {Group{&o.read_exec, read | kExecute}, Group{&o.read_only, read},
                         Group{&o.read_write, rw}, Group{&o.devices, dev}}) {
    for (const auto& p : *g.paths) {
      if (!add_path(fd, p, g.rights, h)) {
        error = "landlock_add_rule " + p.string() + ": " + std::strerror(errno);
        return false;
      }
    }
  }
  r.fs = true;
  r.net = attr.handled_access_net != 0;
  r.scoped = attr.scoped != 0;
  out = std::move(r);
  return true;
}

const char* apply_landlock(int ruleset_fd) {
  if (::syscall(SYS_landlock_restrict_self, ruleset_fd, 0U) != 0) return "landlock_restrict_self";
  return nullptr;
}

}  // namespace grader::sandbox
