//! The `ordinal` command: `ordinal run FILE` prints a transcript with the
//! actual outputs, `ordinal check FILE...` compares transcripts and reports
//! unified diffs, and with no arguments an interactive shell on a fresh
//! cluster whose virtual time follows real time.

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::time::Instant;

use ordinal_kubectl::transcript::{self, heredoc_terminator};
use ordinal_kubectl::Session;

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

fn check(files: &[String]) -> ExitCode {
    let (mut passed, mut failed) = (0, 0);
    for file in files {
        match load(file) {
            Ok(t) => {
                let mut session = Session::for_transcript(&t);
                let result = transcript::run(&t, &mut session);
                if result.passed() {
                    passed += 1;
                } else {
                    failed += 1;
                    print!("{}", result.mismatch_report(file));
                }
            }
            Err(e) => {
                failed += 1;
                println!("{e}");
            }
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
        Some("check") if args.len() >= 2 => check(&args[1..]),
        Some("serve") => serve::main(&args[1..]),
        None => interactive(),
        _ => {
            eprintln!("usage: ordinal [run FILE | check FILE...]");
            ExitCode::from(2)
        }
    }
}
