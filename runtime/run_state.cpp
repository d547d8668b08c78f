// Where a run stands, as a checkpoint's metadata entries (nnc.*): written
// after each epoch and at Ctrl-C, read back by --resume. Exact: doubles as
// "%a", so a resumed run continues bit for bit.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "runtime/engine.h"
#include "runtime/printable.h"

namespace nnc::rt {

std::map<std::string, std::string> run_state_metadata(const RunState& st) {
  std::map<std::string, std::string> m;
  m["nnc.checkpoint"] = "1";
  m["nnc.epochs_done"] = std::to_string(st.epochs_done);
  m["nnc.next_sample"] = std::to_string(st.next_sample);
  m["nnc.steps"] = std::to_string(st.steps);
  std::string rng;
  for (uint64_t w : st.order_rng) rng += (rng.empty() ? "" : " ") + std::to_string(w);
  m["nnc.order_rng"] = rng;
  char exact[64];
  std::snprintf(exact, sizeof exact, "%a", st.loss_sum);
  m["nnc.loss_sum"] = exact;
  m["nnc.correct"] = std::to_string(st.correct);
  std::snprintf(exact, sizeof exact, "%a", st.result.best_val_loss);
  m["nnc.best_val_loss"] = exact;
  m["nnc.best_epoch"] = std::to_string(st.result.best_epoch);
  std::string history;
  for (const EpochRecord& r : st.result.history)
    history += (history.empty() ? "" : ";") + std::to_string(r.epoch) + " " + json_number(r.loss) + " " +
               json_number(r.accuracy) + " " + json_number(r.val_loss) + " " + json_number(r.val_accuracy);
  m["nnc.history"] = history;
  return m;
}

namespace {

// The metadata entry nnc.KEY of a checkpoint, read strictly: a damaged entry
// is refused by name, never read as a number it happens to start with.
class ProgressEntries {
 public:
  ProgressEntries(const TensorFile& file, const std::string& path) : file_(file), path_(path) {}

  const std::string& text(const std::string& key) const {
    auto it = file_.metadata.find("nnc." + key);
    if (it == file_.metadata.end())
      throw DataError(path_ + ": not a checkpoint (no nnc." + key + "); checkpoints are written by train --checkpoint");
    return it->second;
  }
  // A whole number >= 0.
  int64_t count(const std::string& key) const { return count_in(text(key), key); }
  int64_t count_in(const std::string& word, const std::string& key) const {
    int64_t v = -1;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
    if (ec != std::errc() || end != word.data() + word.size() || v < 0) damaged(key, word);
    return v;
  }
  // A number as "%a" or json_number wrote it; "null" and "inf" where allowed.
  double number(const std::string& key) const { return number_in(text(key), key); }
  double number_in(const std::string& word, const std::string& key) const {
    if (word == "null") return NAN;
    char* end = nullptr;
    const double v = word.empty() ? NAN : std::strtod(word.c_str(), &end);
    if (word.empty() || *end != '\0' || std::isnan(v)) damaged(key, word);
    return v;
  }
  [[noreturn]] void damaged(const std::string& key, const std::string& value) const {
    throw DataError(path_ + ": the checkpoint's entry nnc." + key + " is damaged ('" + printable(value) +
                    "'); resume from an earlier checkpoint");
  }

 private:
  const TensorFile& file_;
  const std::string& path_;
};

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

}  // namespace

RunState run_state_of(const TensorFile& file, const std::string& path) {
  const ProgressEntries e(file, path);
  RunState st;
  st.epochs_done = e.count("epochs_done");
  st.next_sample = e.count("next_sample");
  st.steps = e.count("steps");
  st.correct = e.count("correct");
  st.loss_sum = e.number("loss_sum");
  if (!std::isfinite(st.loss_sum)) e.damaged("loss_sum", e.text("loss_sum"));
  st.result.best_val_loss = e.number("best_val_loss");  // inf: no validation yet
  st.result.best_epoch = e.count("best_epoch");
  if (st.result.best_epoch > st.epochs_done) e.damaged("best_epoch", e.text("best_epoch"));

  const std::vector<std::string> rng = words_of(e.text("order_rng"));
  if (rng.size() != st.order_rng.size()) e.damaged("order_rng", e.text("order_rng"));
  for (size_t k = 0; k < rng.size(); ++k) {
    const auto [end, ec] = std::from_chars(rng[k].data(), rng[k].data() + rng[k].size(), st.order_rng[k]);
    if (ec != std::errc() || end != rng[k].data() + rng[k].size()) e.damaged("order_rng", e.text("order_rng"));
  }
  if (st.order_rng == std::array<uint64_t, 4>{}) e.damaged("order_rng", e.text("order_rng"));  // xoshiro's one bad state

  std::istringstream history(e.text("history"));
  for (std::string record; std::getline(history, record, ';');) {
    const std::vector<std::string> f = words_of(record);
    if (f.size() != 5 || int64_t(st.result.history.size()) >= st.epochs_done) e.damaged("history", record);
    EpochRecord r;
    r.epoch = e.count_in(f[0], "history");
    r.loss = e.number_in(f[1], "history"), r.accuracy = e.number_in(f[2], "history");
    r.val_loss = e.number_in(f[3], "history"), r.val_accuracy = e.number_in(f[4], "history");
    st.result.history.push_back(r);
  }
  return st;
}


}  // namespace nnc::rt
