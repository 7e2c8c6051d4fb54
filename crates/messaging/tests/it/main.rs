//! The messaging service on both storage backends.
