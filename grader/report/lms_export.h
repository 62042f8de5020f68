// Grade CSVs in the layouts that learning management systems import, beside gradebook.csv in
// `grade --out DIR --lms canvas,moodle`. A submission's directory name is taken to be the learner's
// login. Pure: they render text; the CLI writes it.
//
// Canvas (Grades > Import): the import's required columns as an institution's Canvas guide
// restates Canvas's "How do I import grades in the Gradebook?"
// (https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades):
// Student, ID, SIS User ID, SIS Login ID, Section, then one column per assignment, the layout of
// Canvas's own export (https://nemogb-dev.github.io/nemogb-r/articles/detailed-canvas-export-info.html).
// A row's learner is found by ID, SIS User ID or SIS Login ID: we fill SIS Login ID with the
// login and leave the others empty. A second row "Points Possible", as Canvas's export writes it,
// gives a new assignment its points. The assignment column is the rubric's title: Canvas makes a
// new assignment of that name; rename the header to an existing assignment's "Name (id)" from an
// export to fill that one instead.
//
// Moodle (Grades > Import > CSV file; https://docs.moodle.org/311/en/Grade_import): any header; at
// import the teacher maps "Username" to the user field "username" (Map from / Map to) and the grade
// column to the grade item. We write Username and one column named by the rubric's title.
//
// Both: a submission whose grading the runner lost has an empty grade cell, never a 0 it did not
// earn (grade it again, or leave the row out of the import). Every cell goes through csv_cell, so
// a login or title that a spreadsheet would run as a formula stays text (which also means such a
// login gains a leading "'" and will not match).
#pragma once

#include <string>
#include <vector>

#include "grader/report/class_report.h"
#include "grader/rubric/model.h"

namespace grader {

enum class Lms { Canvas, Moodle };

std::string to_string(Lms lms);

// The values of every --lms given, each a comma-separated list of names ("canvas,moodle"): the
// systems in order, without duplicates. Throws UsageError, starting with `command`, for an empty
// or unknown name, with a suggestion ("grader grade: unknown --lms 'canva'; did you mean
// 'canvas'? (known: canvas, moodle)").
std::vector<Lms> parse_lms_list(const std::vector<std::string>& values, const std::string& command);

// The file an LMS's CSV goes to in the class directory: "canvas.csv", "moodle.csv".
std::string lms_file_name(Lms lms);

std::string render_lms_csv(Lms lms, const Rubric& rubric, const std::vector<GradedSubmission>& all);

}  // namespace grader
