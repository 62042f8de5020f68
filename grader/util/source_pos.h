// A place in a file a person wrote (a rubric, a cluster profile, a fixture's expected.toml), as
// messages name it: "rubrics/x.toml:12:3". Line and column count from 1; 0:0 is the file itself.
#pragma once

#include <string>

namespace grader {

struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
  std::string str() const { return file + ":" + std::to_string(line) + ":" + std::to_string(column); }
};

}  // namespace grader
