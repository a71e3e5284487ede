//! The listener: accepts connections, enforces max_connections, runs one
//! task per connection, shuts down on SIGTERM.
