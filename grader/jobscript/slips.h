// Shell slips in a jobscript's command part that sbatch accepts and bash runs, but not as the
// author meant, each seen in the course's own published scripts (../shared/reference/course.md
// §9): `source DIR` for `source DIR/bin/activate`, a template placeholder `<mydir-name>` left in
// (bash reads '<' as a redirection), `MYPATH=MYPATH=/cfs/...`, a path broken over two lines (its
// tail runs as a command), `cd cfs/klemming/...` without its leading '/'. Pure.
#pragma once

#include <string>
#include <vector>

#include "grader/jobscript/parser.h"

namespace grader::jobscript {

struct Slip {
  int line = 0;
  std::string message;  // without "file:line: "
};

// `lines` are the script's lines as written (line 1 first). In line order.
std::vector<Slip> shell_slips(const JobScript& script, const std::vector<std::string>& lines);

}  // namespace grader::jobscript
