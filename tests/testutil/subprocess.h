#pragma once
// Runs a program with arguments, optional stdin bytes and a working directory, capturing
// stdout, stderr and the exit code. For CLI tests.

#include <string>
#include <vector>

namespace promkit::testutil {

struct ProcessResult {
  std::string out;
  std::string err;
  int exit_code = -1;  // 128+signal when killed by a signal
};

// argv[0] is what the program sees as its name; `program` is the file executed.
ProcessResult RunProcess(const std::string& program, const std::vector<std::string>& argv,
                         const std::string& stdin_data = "", const std::string& cwd = "",
                         const std::vector<std::string>& extra_env = {});

std::string ReadFileOrEmpty(const std::string& path);
void WriteFileOrDie(const std::string& path, const std::string& data);

}  // namespace promkit::testutil
