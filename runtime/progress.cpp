#include "runtime/progress.h"

#include <algorithm>

namespace nnc::rt {

namespace {

// Redrawing more often than this costs time and cannot be read anyway.
constexpr std::chrono::milliseconds kRedrawInterval{100};
constexpr int kBarWidth = 20;

std::string format(const char* fmt, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

}  // namespace

Progress::Progress(std::FILE* out, bool interactive) : out_(out), interactive_(interactive) {}

void Progress::begin_epoch(int epoch, int epochs, int64_t total_samples) {
    epoch_ = epoch;
    epochs_ = epochs;
    total_ = total_samples;
    start_ = Clock::now();
    drawn_ = false;
    last_length_ = 0;
}

std::string Progress::bar_line(int64_t done, double mean_loss, double accuracy, double rate) const {
    const int64_t clamped = std::clamp<int64_t>(done, 0, std::max<int64_t>(total_, 0));
    const int filled = total_ > 0 ? static_cast<int>(clamped * kBarWidth / total_) : kBarWidth;
    const std::string total = std::to_string(total_);
    std::string count = std::to_string(done);
    // Pad the count to the width of the total so the line does not jitter.
    if (count.size() < total.size()) count.insert(0, total.size() - count.size(), ' ');

    std::string line = "epoch " + std::to_string(epoch_) + "/" + std::to_string(epochs_) + " [" +
                       std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "]  " + count + "/" + total +
                       "  loss " + format("%.4f", mean_loss);
    if (accuracy >= 0) line += "  acc " + format("%.4f", accuracy);
    line += "  " + format("%.0f", rate) + " samples/s";
    return line;
}

void Progress::draw(const std::string& line) {
    // Blank whatever is left of a longer previous line instead of relying on
    // terminal escape codes.
    const size_t pad = last_length_ > line.size() ? last_length_ - line.size() : 0;
    std::fprintf(out_, "\r%s%*s", line.c_str(), static_cast<int>(pad), "");
    std::fflush(out_);
    last_length_ = line.size();
}

void Progress::update(int64_t samples_done, double mean_loss, double accuracy) {
    if (!interactive_) return;
    const Clock::time_point now = Clock::now();
    if (drawn_ && now - last_draw_ < kRedrawInterval) return;
    drawn_ = true;
    last_draw_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(samples_done) / elapsed : 0.0;
    draw(bar_line(samples_done, mean_loss, accuracy, rate));
}

void Progress::end_epoch(double mean_loss, double accuracy, double seconds, const std::string& extra) {
    const double rate = seconds > 0 ? static_cast<double>(total_) / seconds : 0.0;
    std::string line;
    if (interactive_) {
        line = bar_line(total_, mean_loss, accuracy, rate) + "  " + format("%.2f", seconds) + " s";
    } else {
        line = "epoch " + std::to_string(epoch_) + "/" + std::to_string(epochs_) + "  loss " +
               format("%.6f", mean_loss);
        if (accuracy >= 0) line += "  acc " + format("%.4f", accuracy);
        line += "  " + format("%.2f", seconds) + " s  " + format("%.0f", rate) + " samples/s";
    }
    if (!extra.empty()) line += "  " + extra;
    if (interactive_) {
        draw(line);
        std::fputc('\n', out_);
    } else {
        std::fprintf(out_, "%s\n", line.c_str());
    }
    std::fflush(out_);
    drawn_ = false;
    last_length_ = 0;
}

}  // namespace nnc::rt
