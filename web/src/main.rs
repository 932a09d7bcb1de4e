//! Browser entry point: installs the panic banner and mounts the playground
//! on the page body.

fn main() {
    ordinal_web::mark("ordinal:start");
    ordinal_web::panic::install();
    yew::Renderer::<ordinal_web::App>::new().render();
}
