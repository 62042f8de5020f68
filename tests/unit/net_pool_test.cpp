// When a reused network namespace may serve the next run (net_pool.h): its sockstat counts no
// socket of it. The texts are /proc/net/sockstat and sockstat6 as read in a namespace on this
// project's CI host (Linux 6.18): fresh, after a TCP exchange whose server closed first (one
// TIME_WAIT), and while a socket was open.
#include "runners/sandbox/net_pool.h"

#include <gtest/gtest.h>

namespace grader::sandbox {
namespace {

const char* kFresh =
    "sockets: used 0\nTCP: inuse 0 orphan 0 tw 0 alloc 13 mem 3\nUDP: inuse 0 mem 0\nUDPLITE: inuse 0\n"
    "RAW: inuse 0\nFRAG: inuse 0 memory 0\n";
const char* kFresh6 =
    "TCP6: inuse 0\nUDP6: inuse 0\nUDPLITE6: inuse 0\nRAW6: inuse 0\nFRAG6: inuse 0 memory 0\n";

TEST(NetPool, AFreshNamespaceCountsNoSocketWhateverTheMachineHasAllocated) {
  EXPECT_TRUE(sockstat_shows_no_socket(kFresh, kFresh6));
  EXPECT_TRUE(sockstat_shows_no_socket(kFresh, "")) << "no IPv6: no sockstat6";
}

TEST(NetPool, ATimeWaitLeftByTheLastRunIsASocket) {
  EXPECT_FALSE(sockstat_shows_no_socket(
      "sockets: used 0\nTCP: inuse 0 orphan 0 tw 1 alloc 13 mem 3\nUDP: inuse 0 mem 0\n", kFresh6));
}

TEST(NetPool, ASocketOfAnyFamilyInUseIsASocket) {
  EXPECT_FALSE(sockstat_shows_no_socket(
      "sockets: used 2\nTCP: inuse 0 orphan 0 tw 0 alloc 13 mem 3\nUDP: inuse 0 mem 0\n", kFresh6));
  EXPECT_FALSE(sockstat_shows_no_socket(kFresh, "TCP6: inuse 0\nUDP6: inuse 1\n"));
  EXPECT_FALSE(sockstat_shows_no_socket(
      "sockets: used 0\nTCP: inuse 0 orphan 0 tw 0 alloc 13 mem 3\nRAW: inuse 1\n", kFresh6));
}

TEST(NetPool, AnUnreadableSockstatIsNeverEmpty) {
  EXPECT_FALSE(sockstat_shows_no_socket("", kFresh6));
  EXPECT_FALSE(sockstat_shows_no_socket("TCP: inuse 0\n", kFresh6));
}

}  // namespace
}  // namespace grader::sandbox
