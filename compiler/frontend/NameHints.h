// What a newcomer may write that nnc spells otherwise, or does not have yet:
// the layer and setting names of Keras and PyTorch, and the layers of the
// course's zoo that come later. Each row says what to write instead; the
// unknown-name errors append it (NameHints.cpp holds the rows).
#pragma once
#include <string>
#include <vector>

namespace nnc {

// "; ..." for an unknown layer NAME: nnc's name for a Keras or PyTorch
// layer, that it is not available yet, or "did you mean" among KNOWN.
std::string unknown_layer_hint(const std::string& name, const std::vector<std::string>& known);

// The same for an unknown argument KEY of a layer, block or optimizer whose
// arguments are KNOWN.
std::string unknown_argument_hint(const std::string& key, const std::vector<std::string>& known);

// The same for an unknown key of a train section.
std::string unknown_setting_hint(const std::string& key, const std::vector<std::string>& known);

}  // namespace nnc
