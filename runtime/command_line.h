// The command line of every program nnc writes (command_line.cpp): the
// subcommands train, tune, eval, predict, info and bench over a model.
#pragma once
#include "runtime/model.h"

namespace nnc::rt {

// The program's main: parses argv, runs the subcommand, and returns the exit
// status (0, 1 with one line on stderr, 130 after Ctrl-C in training).
int run_command_line(const ModelInfo& info, int argc, char** argv);

}  // namespace nnc::rt
