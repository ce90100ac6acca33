// Package sim is a simulator of the Fly.io Machines API. TODO: full doc.
package sim
