//! A QR code drawn in the terminal with Unicode half blocks (two modules per character).

use qrcode::render::unicode::Dense1x2;
use qrcode::QrCode;

/// The QR code of `text`, light on dark (for dark terminals), with a quiet zone.
pub fn render(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}
