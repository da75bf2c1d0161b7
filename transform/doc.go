// Package transform turns records read from a vendor export into a Torii users file,
// driven by a compiled mapping.
package transform
