// Headless Chromium (Debian's `chromium`, installed by ci/setup) for tests of the pages the grader
// writes: the DOM after the page's own script ran (--dump-dom), and screenshots at a window size.
// Each call is one browser launch with a fresh profile directory. Test-only; header-only.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/cli_runner.h"

namespace grader::testing {

inline const std::filesystem::path kChromium = "/usr/bin/chromium";

class HeadlessChromium {
 public:
  // Fails the test, saying how to install it, when Chromium is missing.
  static void require() {
    ASSERT_TRUE(std::filesystem::exists(kChromium))
        << kChromium
        << " not found: run ci/setup (Debian package chromium); the class pages are tested in a real "
           "browser and this test cannot pass without one";
  }

  // The serialized DOM once the page has loaded and its scripts ran.
  std::string dump_dom(const std::string& url) {
    CliResult r = launch({"--dump-dom", url});
    EXPECT_EQ(r.exit_code, 0) << "chromium --dump-dom " << url << ":\n" << r.err;
    return r.out;
  }

  void screenshot(const std::string& url, const std::filesystem::path& png, int width, int height) {
    std::filesystem::remove(png);
    CliResult r = launch({"--screenshot=" + png.string(),
                          "--window-size=" + std::to_string(width) + "," + std::to_string(height), url});
    EXPECT_EQ(r.exit_code, 0) << "chromium --screenshot " << url << ":\n" << r.err;
  }

  // What the browser said on its last launch: console messages, a refused script (CSP), crashes.
  const std::string& log() const { return log_; }

 private:
  CliResult launch(std::vector<std::string> args) {
    // --no-sandbox: Chromium's own sandbox cannot start as root (CI runs as root); the pages run no
    // learner code. timeout(1) turns a hung browser into a failed test, not a hung suite.
    std::vector<std::string> argv = {"/usr/bin/timeout",
                                     "60",
                                     kChromium.string(),
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--no-first-run",
                                     "--no-default-browser-check",
                                     "--disable-extensions",
                                     "--disable-background-networking",
                                     "--enable-logging=stderr",
                                     "--user-data-dir=" + (profile_.path / "profile").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    CliResult r = run_program(argv);
    log_ = r.err;
    return r;
  }

  ScratchDir profile_;
  std::string log_;
};

}  // namespace grader::testing
