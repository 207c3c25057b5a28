// Package imf reads Interoperable Master Format packages (IMPs) by the
// SMPTE documents: the ASSETMAP and VOLINDEX (ST 429-9), the packing list
// (PKL, ST 2067-2 / ST 429-8), the composition playlist (CPL, ST 2067-3,
// with the ST 2067-2 core constraints) and, when present, the output
// profile list (OPL, ST 2067-100). It parses each document (root element
// and namespace first), then checks the package as a whole: every asset
// of the ASSETMAP delivered and every delivered file in it, the PKL's
// sizes (the hashes are compared by Package.VerifyHash once the bytes are
// read), every CPL resource's track file known, the edit rates, entry
// points and durations consistent, and the IDs in agreement.
//
// It reads no file itself and imports only the standard library: the
// caller hands it the delivered files' names and sizes, and the text of
// the XML documents.
package imf
