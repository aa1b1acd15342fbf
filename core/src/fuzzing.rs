//! Entry points for the fuzz targets in `tests/fuzz` (feature `fuzzing`): internal functions the
//! public API reaches only through a whole sign-in. Not an API; nothing here changes behaviour.

pub use crate::client::jwt::{claims as jwt_claims, Claims as JwtClaims};
