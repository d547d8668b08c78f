#include "runtime/observers.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "runtime/file_io.h"
#include "runtime/plot.h"
#include "runtime/progress.h"

namespace nnc::rt {
namespace {

std::string metric_text(const char* name, double v) { return std::string(name) + " " + json_number(v); }

// The progress line on stderr (progress.h), for about 20 of the epochs of a
// long run of tiny epochs (the toy sets), every epoch otherwise.
class ProgressLine : public TrainObserver {
 public:
  explicit ProgressLine(const TrainOptions& o)
      : epochs_(o.epochs), progress_(stderr, o.progress_on_tty && isatty(fileno(stderr))) {}

  void begin_epoch(int64_t epoch, int64_t samples) override {
    shown_ = epochs_ <= 20 || epoch == 1 || epoch == epochs_ || epoch % (epochs_ / 20) == 0;
    if (shown_) progress_.begin_epoch(int(epoch), int(epochs_), samples);
  }
  void after_step(const StepDone& s) override {
    if (shown_) progress_.update(s.first + s.size, s.mean_loss, s.accuracy);
  }
  void end_epoch(const EpochEnd& e) override {
    if (!shown_) return;
    std::string extra;
    if (const Metrics* m = e.validation)
      extra = metric_text("val_loss", m->loss) + (m->accuracy >= 0 ? "  " + metric_text("val_acc", m->accuracy) : "");
    if (const Metrics* m = e.test) {
      extra += (extra.empty() ? "" : "  ") + metric_text("test_loss", m->loss);
      if (m->accuracy >= 0) extra += "  " + metric_text("test_acc", m->accuracy);
    }
    progress_.end_epoch(e.record.loss, std::isnan(e.record.accuracy) ? -1 : e.record.accuracy, e.seconds, extra);
  }
  void interrupted(const RunState&) override {
    if (shown_) std::fputc('\n', stderr);  // the interruption's message goes on a line of its own
  }

 private:
  int64_t epochs_;
  Progress progress_;
  bool shown_ = false;  // this epoch is reported
};

// --trace: every example with the weights it met, its output and target
// (stdout, batch 1), and the final weights.
class Trace : public TrainObserver {
 public:
  explicit Trace(const Engine& engine) : engine_(engine) {}

  void before_step() override { weights_ = engine_.format_weights(); }
  void after_step(const StepDone& s) override {
    const Engine::Batch& b = s.batch;
    std::printf("epoch %lld example %lld: x=%s%s y=%s t=%s\n", (long long)s.epoch, (long long)(s.first + 1),
                format_vector(b.x.data(), engine_.input_size()).c_str(), weights_.c_str(),
                format_vector(b.out.data(), engine_.output_size()).c_str(),
                b.class_targets ? std::to_string(b.labels[0]).c_str()
                                : format_vector(b.t.data(), engine_.target_size()).c_str());
  }
  void end_training(const TrainResult& r) override {
    if (r.interrupted_sample > 0) return;  // cut short in an epoch: its last example shows where
    std::printf("final:%s\n", engine_.format_weights().c_str());
  }

 private:
  const Engine& engine_;
  std::string weights_;  // before the step changes them
};

// --save: the weights after every epoch, or, with validation data, those of
// the epoch with the best validation loss so far.
class SaveWeights : public TrainObserver {
 public:
  SaveWeights(const Engine& engine, std::string path) : engine_(engine), path_(std::move(path)) {}
  void end_epoch(const EpochEnd& e) override {
    if (!e.validation || e.better) engine_.save_weights(path_);
  }

 private:
  const Engine& engine_;
  std::string path_;
};

// --checkpoint: after every epoch, and where Ctrl-C stopped one.
class SaveCheckpoint : public TrainObserver {
 public:
  SaveCheckpoint(const Engine& engine, std::string path) : engine_(engine), path_(std::move(path)) {}
  void end_epoch(const EpochEnd& e) override { engine_.save_checkpoint(path_, e.state); }
  void interrupted(const RunState& state) override { engine_.save_checkpoint(path_, state); }

 private:
  const Engine& engine_;
  std::string path_;
};

// --log: a JSON object per epoch, one a line, flushed as it is written.
class JsonLog : public TrainObserver {
 public:
  JsonLog(const std::string& path, bool resuming, std::string device)
      : out_(path, resuming ? std::ios::app : std::ios::trunc), device_(std::move(device)) {
    if (!out_) throw DataError(path + ": cannot open the log for writing");
  }
  void end_epoch(const EpochEnd& e) override {
    out_ << "{\"epoch\": " << e.epoch << ", \"loss\": " << json_number(e.record.loss)
         << ", \"accuracy\": " << json_number(e.record.accuracy) << ", \"lr\": " << json_number(e.lr)
         << ", \"seconds\": " << json_number(e.seconds)
         << ", \"samples_per_s\": " << json_number(double(e.samples) / e.seconds);
    if (e.validation)
      out_ << ", \"val_loss\": " << json_number(e.record.val_loss)
           << ", \"val_accuracy\": " << json_number(e.record.val_accuracy);
    if (e.test)
      out_ << ", \"test_loss\": " << json_number(e.test->loss) << ", \"test_accuracy\": " << json_number(e.test->accuracy);
    out_ << ", \"device\": \"" << device_ << "\"}\n" << std::flush;
  }

 private:
  std::ofstream out_;
  std::string device_;  // where the pipelines ran: "cpu", "NVIDIA H200 (cuda)"
};

// --plot: the loss and accuracy curves so far, redrawn after every epoch.
class CurvePlot : public TrainObserver {
 public:
  CurvePlot(std::string title, std::string path) : title_(std::move(title)), path_(std::move(path)) {}
  void end_epoch(const EpochEnd& e) override {
    write_file_atomically(path_, training_curves_svg(title_, e.state.result.history));
  }

 private:
  std::string title_, path_;
};

// --early-stop N: stop once N epochs in a row brought no better validation
// loss. The best epoch travels in checkpoints, so a resumed run counts on.
class EarlyStop : public TrainObserver {
 public:
  EarlyStop(const char* model, int64_t patience, bool quiet) : model_(model), patience_(patience), quiet_(quiet) {}
  bool stops_training(int64_t epoch, const TrainResult& r) override {
    if (epoch - r.best_epoch < patience_) return false;
    if (!quiet_)
      std::fprintf(stderr, "%s: early stop after epoch %lld: no better validation loss for %lld epochs (best %s at epoch %lld)\n",
                   model_, (long long)epoch, (long long)patience_, json_number(r.best_val_loss).c_str(),
                   (long long)r.best_epoch);
    return true;
  }

 private:
  const char* model_;
  int64_t patience_;
  bool quiet_;
};

}  // namespace

std::vector<std::unique_ptr<TrainObserver>> make_observers(Engine& engine, const TrainOptions& o, bool resuming) {
  std::vector<std::unique_ptr<TrainObserver>> observers;
  if (o.trace) observers.push_back(std::make_unique<Trace>(engine));
  if (!o.quiet) observers.push_back(std::make_unique<ProgressLine>(o));
  if (!o.save.empty()) observers.push_back(std::make_unique<SaveWeights>(engine, o.save));
  if (!o.checkpoint.empty()) observers.push_back(std::make_unique<SaveCheckpoint>(engine, o.checkpoint));
  if (!o.log.empty()) observers.push_back(std::make_unique<JsonLog>(o.log, resuming, engine.device_description()));
  if (!o.plot.empty())
    observers.push_back(std::make_unique<CurvePlot>(std::string(engine.info().name) + ": training", o.plot));
  if (o.early_stop > 0) observers.push_back(std::make_unique<EarlyStop>(engine.info().name, o.early_stop, o.quiet));
  return observers;
}

}  // namespace nnc::rt
