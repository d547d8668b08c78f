// Training progress on stderr. On a terminal one line is redrawn in place so
// the user sees the epoch advance; in a log (pipe, file, CI) only one plain
// line per epoch is written, because '\r' redraws turn logs into noise.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace nnc::rt {

class Progress {
public:
    // interactive: the caller's choice, normally isatty(fileno(out)).
    Progress(std::FILE* out, bool interactive);

    void begin_epoch(int epoch, int epochs, int64_t total_samples);
    // accuracy < 0 means "not applicable" and is left out.
    void update(int64_t samples_done, double mean_loss, double accuracy);
    // extra, e.g. "test_acc 0.8712", is appended when non-empty.
    void end_epoch(double mean_loss, double accuracy, double seconds, const std::string& extra);

private:
    using Clock = std::chrono::steady_clock;

    std::string bar_line(int64_t done, double mean_loss, double accuracy, double rate) const;
    void draw(const std::string& line);

    std::FILE* out_;
    bool interactive_;
    int epoch_ = 0;
    int epochs_ = 0;
    int64_t total_ = 0;
    Clock::time_point start_{};
    Clock::time_point last_draw_{};
    bool drawn_ = false;        // something was drawn this epoch
    size_t last_length_ = 0;    // length of the line on screen, to blank its tail
};

}  // namespace nnc::rt
