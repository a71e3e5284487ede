//! The embedded data node: an in-process, durable storage engine on fjall.
