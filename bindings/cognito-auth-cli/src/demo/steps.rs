//! The thirteen steps of the demo, each checking that it behaved as described.

use cognito_auth_core::{
    ConfirmSignInOptions, DeviceOutcome, DeviceStatus, MfaPreference, MfaType, SignInNextStep,
    SignInOptions, SignUpOptions, SignUpStep,
};
use cognito_emulator::EmulatorConfig;

use super::{emu, expect, Demo, Step, PASSWORD, USERNAME};
use crate::output::delivery_text;

impl Demo {
    /// Runs step `index` (0-based, as in `STEPS`).
    pub(super) async fn step(&mut self, index: usize) -> Step {
        match index {
            0 => self.start().await,
            1 => self.sign_up().await,
            2 => self.confirm_sign_up().await,
            3 => self.sign_in_with_sms().await,
            4 => self.remember().await,
            5 => self.sign_out().await,
            6 => self.sign_in_with_device().await,
            7 => self.list_devices().await,
            8 => self.set_up_totp().await,
            9 => self.prefer_totp().await,
            10 => self.sign_in_on_phone().await,
            11 => self.forget_laptop().await,
            _ => self.sign_in_after_forget().await,
        }
    }

    async fn start(&mut self) -> Step {
        let emulator = cognito_emulator::start(EmulatorConfig::default())
            .await
            .map_err(|e| format!("cannot start the emulator: {e}"))?;
        self.endpoint = emulator.endpoint().to_owned();
        self.emulator = Some(emulator);
        self.detail(&format!("emulator listening on {}", self.endpoint));
        let pool = emu::create_pool(&self.endpoint).await?;
        self.detail(&format!(
            "pool {} (app client {}): MFA required (SMS or TOTP), devices remembered when the user asks",
            pool.pool_id, pool.client_id
        ));
        self.pool = Some(pool);
        self.laptop = Some(self.device("laptop")?);
        self.phone = Some(self.device("phone")?);
        Ok(())
    }

    async fn sign_up(&mut self) -> Step {
        let mut options = SignUpOptions::default();
        options
            .user_attributes
            .insert("email".into(), "alice@example.com".into());
        options
            .user_attributes
            .insert("phone_number".into(), "+15555550100".into());
        let result = self
            .laptop()?
            .client
            .sign_up(USERNAME, PASSWORD, options)
            .await
            .map_err(|e| e.to_string())?;
        let SignUpStep::ConfirmSignUp {
            code_delivery_details,
        } = &result.next_step
        else {
            return Err(format!(
                "expected a confirmation code, got {:?}",
                result.next_step
            ));
        };
        self.detail(&format!(
            "alice (alice@example.com, +15555550100) signed up; confirmation code sent by {}",
            code_delivery_details
                .as_ref()
                .map(delivery_text)
                .unwrap_or_else(|| "a message".into())
        ));
        Ok(())
    }

    async fn confirm_sign_up(&mut self) -> Step {
        let code = self
            .outbox_code("SIGN_UP", "Type the confirmation code")
            .await?;
        let result = self
            .laptop()?
            .client
            .confirm_sign_up(USERNAME, &code)
            .await
            .map_err(|e| e.to_string())?;
        expect(result.is_sign_up_complete, "the sign-up is not complete")?;
        self.detail("alice is confirmed");
        Ok(())
    }

    async fn sign_in_with_sms(&mut self) -> Step {
        let laptop = self.laptop()?;
        let mark = laptop.api.mark();
        let result = laptop
            .client
            .sign_in(USERNAME, Some(PASSWORD), SignInOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        let SignInNextStep::ConfirmSignInWithSmsMfaCode {
            code_delivery_details,
        } = &result.next_step
        else {
            return Err(format!("expected an SMS code, got {:?}", result.next_step));
        };
        self.detail(&format!(
            "password proven by SRP; Cognito asks for the code sent by {}",
            delivery_text(code_delivery_details)
        ));
        let code = self.outbox_code("MFA", "Type the SMS code").await?;
        let laptop = self.laptop()?;
        let done = laptop
            .client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        expect(
            done.is_signed_in,
            format!("not signed in: {:?}", done.next_step),
        )?;
        self.detail(&format!("calls: {}", laptop.api.since(mark).join(" → ")));
        match &done.device {
            Some(DeviceOutcome::Tracked {
                device_key,
                status: DeviceStatus::NotRemembered,
                ask_user_to_remember: true,
            }) => {
                self.detail(&format!(
                    "signed in; laptop is tracked as {device_key}, not yet remembered (the pool asks the user)"
                ));
                Ok(())
            }
            other => Err(format!(
                "expected a tracked, not remembered device, got {other:?}"
            )),
        }
    }

    async fn remember(&mut self) -> Step {
        let client = &self.laptop()?.client;
        client.remember_device().await.map_err(|e| e.to_string())?;
        let status = client.current_device_status().map_err(|e| e.to_string())?;
        expect(
            status == DeviceStatus::Remembered,
            format!("device status is {status:?}"),
        )?;
        self.detail("alice said yes: laptop is remembered");
        Ok(())
    }

    async fn sign_out(&mut self) -> Step {
        let client = &self.laptop()?.client;
        client.sign_out(false).await.map_err(|e| e.to_string())?;
        let session = client
            .fetch_auth_session(false)
            .await
            .map_err(|e| e.to_string())?;
        expect(!session.is_signed_in, "still signed in after sign-out")?;
        self.detail("refresh token revoked, tokens cleared; laptop stays remembered");
        Ok(())
    }

    async fn sign_in_with_device(&mut self) -> Step {
        let sms_before = emu::outbox(&self.endpoint, self.pool()?, USERNAME, "MFA")
            .await?
            .len();
        let laptop = self.laptop()?;
        let mark = laptop.api.mark();
        let result = laptop
            .client
            .sign_in(USERNAME, Some(PASSWORD), SignInOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        let calls = laptop.api.since(mark);
        self.detail(&format!("calls: {}", calls.join(" → ")));
        expect(
            result.is_signed_in && result.next_step == SignInNextStep::Done,
            format!("MFA was not skipped: next step {:?}", result.next_step),
        )?;
        expect(
            calls.iter().any(|c| c == "DEVICE_SRP_AUTH")
                && calls.iter().any(|c| c == "DEVICE_PASSWORD_VERIFIER"),
            "the device did not prove its secret with device SRP",
        )?;
        expect(
            !calls
                .iter()
                .any(|c| c == "SMS_MFA" || c == "SOFTWARE_TOKEN_MFA"),
            "an MFA challenge was answered",
        )?;
        let sms_after = emu::outbox(&self.endpoint, self.pool()?, USERNAME, "MFA")
            .await?
            .len();
        expect(sms_after == sms_before, "an SMS code was sent")?;
        self.detail(
            "signed in with no code: the remembered device proved its secret instead of MFA",
        );
        Ok(())
    }

    async fn list_devices(&mut self) -> Step {
        let devices = self
            .laptop()?
            .client
            .fetch_devices()
            .await
            .map_err(|e| e.to_string())?;
        for d in &devices {
            self.detail(&format!(
                "{} {}  {}  {}",
                if d.is_current_device { "*" } else { " " },
                d.id,
                crate::output::device_status_text(d.status),
                d.name.as_deref().unwrap_or("")
            ));
        }
        expect(
            devices.len() == 1,
            format!("{} devices listed, expected 1", devices.len()),
        )?;
        expect(
            devices[0].is_current_device && devices[0].status == DeviceStatus::Remembered,
            "laptop is not listed as the current, remembered device",
        )?;
        self.detail("(* = this device)");
        Ok(())
    }

    async fn set_up_totp(&mut self) -> Step {
        let details = self
            .laptop()?
            .client
            .set_up_totp()
            .await
            .map_err(|e| e.to_string())?;
        let uri = details.setup_uri(crate::APP_NAME);
        self.detail(&format!("secret: {}", details.shared_secret));
        self.detail(&format!("URI:    {uri}"));
        if let Some(qr) = crate::qr::render(&uri) {
            for line in qr.lines() {
                self.detail(line);
            }
        }
        self.totp_secret = Some(details.shared_secret.clone());
        let code = self.totp_code().await?;
        self.laptop()?
            .client
            .verify_totp_setup(&code, Some("demo authenticator"))
            .await
            .map_err(|e| e.to_string())?;
        self.detail("the authenticator's code verified: TOTP is enabled for alice");
        Ok(())
    }

    async fn prefer_totp(&mut self) -> Step {
        let client = &self.laptop()?.client;
        client
            .update_mfa_preference(
                Some(MfaPreference::Enabled),
                Some(MfaPreference::Preferred),
                None,
            )
            .await
            .map_err(|e| e.to_string())?;
        let prefs = client
            .fetch_mfa_preference()
            .await
            .map_err(|e| e.to_string())?;
        expect(
            prefs.preferred == Some(MfaType::Totp),
            format!("preferred is {:?}", prefs.preferred),
        )?;
        self.detail("enabled: SMS, TOTP; preferred: TOTP");
        Ok(())
    }

    async fn sign_in_on_phone(&mut self) -> Step {
        let phone = self.phone()?;
        let mark = phone.api.mark();
        let result = phone
            .client
            .sign_in(USERNAME, Some(PASSWORD), SignInOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        expect(
            result.next_step == SignInNextStep::ConfirmSignInWithTotpCode,
            format!("expected a TOTP code, got {:?}", result.next_step),
        )?;
        self.detail("phone has no remembered device: Cognito asks for a TOTP code");
        let code = self.totp_code().await?;
        let phone = self.phone()?;
        let done = phone
            .client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        self.detail(&format!("calls: {}", phone.api.since(mark).join(" → ")));
        expect(
            done.is_signed_in,
            format!("not signed in: {:?}", done.next_step),
        )?;
        expect(
            matches!(
                done.device,
                Some(DeviceOutcome::Tracked {
                    status: DeviceStatus::NotRemembered,
                    ..
                })
            ),
            format!(
                "expected phone tracked, not remembered; got {:?}",
                done.device
            ),
        )?;
        self.detail("signed in on phone (tracked, not remembered)");
        Ok(())
    }

    async fn forget_laptop(&mut self) -> Step {
        let laptop = &self.laptop()?.client;
        let before = laptop.fetch_devices().await.map_err(|e| e.to_string())?;
        let key = before
            .iter()
            .find(|d| d.is_current_device)
            .map(|d| d.id.clone())
            .ok_or("laptop is not in the device list")?;
        laptop
            .forget_device(None)
            .await
            .map_err(|e| e.to_string())?;
        let status = laptop.current_device_status().map_err(|e| e.to_string())?;
        expect(
            status == DeviceStatus::Forgotten,
            format!("laptop is still {status:?}"),
        )?;
        let after = self
            .phone()?
            .client
            .fetch_devices()
            .await
            .map_err(|e| e.to_string())?;
        expect(
            !after.iter().any(|d| d.id == key),
            "Cognito still lists the forgotten device",
        )?;
        self.detail(&format!(
            "{key} forgotten: Cognito no longer tracks it and its secret is deleted; {} device(s) left",
            after.len()
        ));
        Ok(())
    }

    async fn sign_in_after_forget(&mut self) -> Step {
        let laptop = self.laptop()?;
        laptop
            .client
            .sign_out(false)
            .await
            .map_err(|e| e.to_string())?;
        let mark = laptop.api.mark();
        let result = laptop
            .client
            .sign_in(USERNAME, Some(PASSWORD), SignInOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        expect(
            result.next_step == SignInNextStep::ConfirmSignInWithTotpCode,
            format!("expected MFA (a TOTP code), got {:?}", result.next_step),
        )?;
        expect(
            !laptop
                .api
                .since(mark)
                .iter()
                .any(|c| c == "DEVICE_SRP_AUTH"),
            "the forgotten device was still used",
        )?;
        self.detail("no device to prove: Cognito asks for a TOTP code again");
        let code = self.totp_code().await?;
        let laptop = self.laptop()?;
        let done = laptop
            .client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        self.detail(&format!("calls: {}", laptop.api.since(mark).join(" → ")));
        expect(
            done.is_signed_in,
            format!("not signed in: {:?}", done.next_step),
        )?;
        self.detail("signed in; laptop is tracked again as a new, not remembered device");
        Ok(())
    }
}
