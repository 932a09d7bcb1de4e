//! `ordinal-core`: a deterministic, discrete-event simulation of a small
//! Kubernetes cluster (API server with watch, StatefulSet controller,
//! scheduler, kubelet, storage, DNS). No wall clock, no threads, no I/O.
