// The class progress of `grade`: the live line's words and ETA, plain lines off a terminal, and
// nothing but the summary with --quiet.
#include "grader/cli/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace grader::cli {
namespace {

TEST(Progress, TheLineSaysDoneRunningFailedAndAnEtaOnceOneCanBeKnown) {
  EXPECT_EQ(progress_line(0, 100, 2, 0, -1), "0/100 done, 2 running, 0 failed");
  EXPECT_EQ(progress_line(12, 100, 2, 1, 190), "12/100 done, 2 running, 1 failed, ETA 3m10s");
  EXPECT_EQ(progress_line(99, 100, 1, 0, 4.4), "99/100 done, 1 running, 0 failed, ETA 4s");
  EXPECT_EQ(progress_line(100, 100, 0, 0, 0), "100/100 done, 0 running, 0 failed");
}

TEST(Progress, EtaIsTheMeanGradingTimeForWhatIsLeftJobsAtATime) {
  EXPECT_LT(eta_seconds(0, 0, 10, 1), 0) << "nothing graded yet: unknown";
  EXPECT_DOUBLE_EQ(eta_seconds(20, 4, 10, 1), 50);
  EXPECT_DOUBLE_EQ(eta_seconds(20, 4, 10, 4), 15) << "ceil(10 / 4) = 3 waves of 5 s";
}

TEST(Progress, PlainModeWritesALinePerSubmissionAndQuietNothing) {
  std::ostringstream plain, quiet, live;
  Progress p(ProgressMode::Plain, plain, 2, 1), q(ProgressMode::Quiet, quiet, 2, 1),
      l(ProgressMode::Live, live, 2, 1);
  for (Progress* x : {&p, &q, &l}) {
    x->started();
    x->finished("alice: 2/2", true, false, 0.01);
    x->started();
    x->finished("bob: 0/2 (runner error)", false, true, 3);
    x->done();
  }
  EXPECT_EQ(plain.str(), "[1/2] alice: 2/2 (unchanged, not regraded)\n[2/2] bob: 0/2 (runner error)\n");
  EXPECT_EQ(quiet.str(), "");
  EXPECT_NE(live.str().find("\r\033[K1/2 done, 0 running, 0 failed"), std::string::npos) << live.str();
  EXPECT_NE(live.str().find("2/2 done, 0 running, 1 failed"), std::string::npos);
  EXPECT_EQ(live.str().find('\n'), std::string::npos) << "the live line is redrawn, never scrolled";
}

}  // namespace
}  // namespace grader::cli
