//! The `ordinal` command: `ordinal run FILE` prints a transcript with the
//! actual outputs, `ordinal check FILE...` compares transcripts and reports
//! unified diffs, and with no arguments an interactive shell on a fresh
//! cluster whose virtual time follows real time. `ordinal check
//! --real-kubectl PATH FILE...` also runs every transcript through the real
//! kubectl (see [`differential`]).

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use ordinal_kubectl::transcript::{self, heredoc_terminator};
use ordinal_kubectl::Session;

mod differential;
mod serve;

fn load(file: &str) -> Result<transcript::Transcript, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    transcript::parse(&text).map_err(|e| format!("{file}: {e}"))
}

fn run(file: &str) -> ExitCode {
    match load(file) {
        Ok(t) => {
            let mut session = Session::for_transcript(&t);
            print!("{}", transcript::run(&t, &mut session).render());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// How one transcript fared.
enum Outcome {
    Passed,
    Failed(String),
}

fn check_emulated(t: &transcript::Transcript, file: &str) -> Outcome {
    let mut session = Session::for_transcript(t);
    let result = transcript::run(t, &mut session);
    if result.passed() {
        Outcome::Passed
    } else {
        Outcome::Failed(result.mismatch_report(file))
    }
}

fn check_real(t: &transcript::Transcript, file: &str, binary: &Path, run: usize) -> Outcome {
    if let Some(reason) = differential::skip_reason(t) {
        println!("{file}: real kubectl run skipped {reason}");
        return Outcome::Passed;
    }
    let dir = std::env::temp_dir().join(format!("ordinal-real-{}-{run}", std::process::id()));
    let outcome = match differential::RealKubectlShell::new(t, binary, dir.clone()) {
        Ok(mut shell) => {
            let result = transcript::run(t, &mut shell);
            if result.passed() {
                Outcome::Passed
            } else {
                Outcome::Failed(result.mismatch_report(&format!("{file} (real kubectl)")))
            }
        }
        Err(e) => Outcome::Failed(format!("{file} (real kubectl): {e}\n")),
    };
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

fn check(files: &[String], real: Option<&Path>) -> ExitCode {
    let (mut passed, mut failed) = (0, 0);
    for (run, file) in files.iter().enumerate() {
        let t = match load(file) {
            Ok(t) => t,
            Err(e) => {
                failed += 1;
                println!("{e}");
                continue;
            }
        };
        let mut outcomes = vec![check_emulated(&t, file)];
        if let Some(binary) = real {
            outcomes.push(check_real(&t, file, binary, run));
        }
        let mut ok = true;
        for outcome in outcomes {
            if let Outcome::Failed(report) = outcome {
                ok = false;
                print!("{report}");
            }
        }
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn interactive() -> ExitCode {
    let mut session = Session::new(Default::default());
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut last = Instant::now();
    loop {
        let prompt = session.prompt();
        print!("{prompt}");
        let _ = std::io::stdout().flush();
        let Some(Ok(mut line)) = lines.next() else {
            return ExitCode::SUCCESS;
        };
        if line.trim() == "exit" && session.attached().is_none() {
            return ExitCode::SUCCESS;
        }
        if let Some(word) = heredoc_terminator(&line) {
            for body in lines.by_ref() {
                let Ok(body) = body else { break };
                line.push('\n');
                line.push_str(&body);
                if body.trim() == word {
                    break;
                }
            }
        }
        let elapsed = last.elapsed().as_millis() as u64;
        session.advance_bounded(elapsed);
        let output = session.run_line(&line);
        last = Instant::now();
        for (is_err, chunk) in &output.chunks {
            if *is_err {
                let _ = std::io::stdout().flush();
                eprint!("{chunk}");
            } else {
                print!("{chunk}");
                let _ = std::io::stdout().flush();
            }
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") if args.len() == 2 => run(&args[1]),
        Some("check") if args.len() >= 4 && args[1] == "--real-kubectl" => {
            check(&args[3..], Some(Path::new(&args[2])))
        }
        Some("check") if args.len() >= 2 => check(&args[1..], None),
        Some("serve") => serve::main(&args[1..]),
        None => interactive(),
        _ => {
            eprintln!(
                "usage: ordinal [run FILE | check [--real-kubectl PATH] FILE... | serve [--port N] [--speed X] [FILE...]]"
            );
            ExitCode::from(2)
        }
    }
}
